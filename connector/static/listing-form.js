// Repeatable rows on the listing form: add from a <template>, remove, and keep the
// dotted input names contiguous (price_tiers.0.min_qty, price_tiers.1.min_qty, ...),
// because the server reads rows by index and reports errors by the same index.
// Without this script the rendered rows still submit as they are.
(function () {
  "use strict";

  var ATTRIBUTES = ["name", "id", "for", "aria-describedby"];

  function renumberValue(value, section, index) {
    // "price_tiers.3.min_qty", "f-price_tiers-3-min_qty", "error-price_tiers-__INDEX__-x"
    var pattern = new RegExp("(^|[\\s-])(" + section + ")([.-])(\\d+|__INDEX__)(?=[.-])", "g");
    return value.replace(pattern, function (_m, lead, name, sep) {
      return lead + name + sep + index;
    });
  }

  function renumberRow(row, section, index, labelPattern) {
    var elements = [row].concat(Array.prototype.slice.call(row.querySelectorAll("*")));
    elements.forEach(function (el) {
      ATTRIBUTES.forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) {
          el.setAttribute(attr, renumberValue(value, section, index));
        }
      });
    });
    var legend = row.querySelector("[data-row-legend]");
    if (legend && labelPattern) {
      legend.textContent = labelPattern.replace("%(n)s", String(index + 1));
    }
  }

  function setUp(container) {
    var section = container.getAttribute("data-rows");
    var list = container.querySelector("[data-row-list]");
    var template = container.querySelector("template[data-row-template]");
    var addButton = container.querySelector("[data-add-row]");
    var labelPattern = container.getAttribute("data-row-label");
    var max = parseInt(container.getAttribute("data-max") || "0", 10);

    function rows() {
      return Array.prototype.slice.call(list.children).filter(function (el) {
        return el.hasAttribute("data-row");
      });
    }

    function renumberAll() {
      var current = rows();
      current.forEach(function (row, index) {
        renumberRow(row, section, index, labelPattern);
      });
      if (addButton) {
        addButton.disabled = max > 0 && current.length >= max;
      }
    }

    function wire(row) {
      var remove = row.querySelector("[data-remove-row]");
      if (!remove) {
        return;
      }
      remove.hidden = false;
      remove.addEventListener("click", function () {
        var next = row.nextElementSibling || row.previousElementSibling;
        row.remove();
        renumberAll();
        var focusTarget = next && next.querySelector("input") || addButton;
        if (focusTarget) {
          focusTarget.focus();
        }
      });
    }

    rows().forEach(wire);
    if (addButton && template) {
      addButton.hidden = false;
      addButton.addEventListener("click", function () {
        var fragment = template.content.cloneNode(true);
        var row = fragment.querySelector("[data-row]");
        list.appendChild(fragment);
        wire(row);
        renumberAll();
        applyOptionNames();
        var first = row.querySelector("input");
        if (first) {
          first.focus();
        }
      });
    }
    renumberAll();
  }

  // Variant option inputs are labelled with the option names as they are typed, and
  // a slot with no name and no values is hidden (it still submits: as empty).
  function applyOptionNames() {
    var form = document.getElementById("listing-form");
    if (!form) {
      return;
    }
    var named = {};
    form.querySelectorAll('[name^="option_names."]').forEach(function (input) {
      named[input.name.split(".")[1]] = input.value.trim();
    });
    var used = {};
    form.querySelectorAll("[data-row-list] [data-option-slot] input").forEach(function (input) {
      if (input.value.trim()) {
        used[input.closest("[data-option-slot]").getAttribute("data-option-slot")] = true;
      }
    });
    form.querySelectorAll("[data-option-slot]").forEach(function (slotField) {
      var slot = slotField.getAttribute("data-option-slot");
      var label = slotField.querySelector("[data-option-label]");
      label.textContent = named[slot] || label.getAttribute("data-default-label");
      slotField.hidden = !named[slot] && !used[slot];
    });
  }

  // A link to a field (#f-localized-vi_VN-title) must land on it even inside a closed
  // <details>: open every enclosing one, then bring the field into view and focus it.
  // Without this script, "what to fix" links still work: the server opens the section
  // and marks the field autofocus (?focus=).
  function revealTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) {
      return false;
    }
    for (var el = target.parentElement; el; el = el.parentElement) {
      if (el.tagName === "DETAILS") {
        el.open = true;
      }
    }
    target.scrollIntoView({ block: "center" });
    if (typeof target.focus === "function") {
      target.focus({ preventScroll: true });
    }
    return true;
  }

  function init() {
    window.addEventListener("hashchange", revealTarget);
    document.querySelectorAll("[data-rows]").forEach(setUp);
    document.querySelectorAll('[name^="option_names."]').forEach(function (input) {
      input.addEventListener("input", applyOptionNames);
    });
    applyOptionNames();
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    } else {
      revealTarget();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
