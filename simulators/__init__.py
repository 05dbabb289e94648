"""Local simulators of the outside services, for tests and the `make run` sandbox.

Each speaks the real service's documented format on 127.0.0.1 and can be told
to misbehave (time out, answer 429/5xx, send garbage, act and then drop the reply).
"""
