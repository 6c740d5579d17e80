// The widgets' own words in the reader's language: select2's messages (the search-as-you-type
// pickers and the list filters) and the file inputs' "Choose file / No file chosen", which
// the browser draws in its own language. The texts come from the app's catalogue, written by
// the base template on this script's tag as data-texts (JSON); nothing here runs inline.
(function () {
  'use strict';
  var script = document.currentScript;
  var texts = {};
  try {
    texts = JSON.parse((script && script.getAttribute('data-texts')) || '{}');
  } catch (error) {
    return;
  }
  var language = (script && script.getAttribute('data-lang')) || 'th';

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  // "{n}" in a text is the number select2 passes.
  function counted(one, many, n) {
    return (n === 1 ? one : many).replace('{n}', n);
  }

  // select2 writes these as HTML.
  function withCount(one, many, n) {
    return escapeHtml(counted(one, many, n));
  }

  // ------------------------------------------------------------------ select2 (3.5)
  var $ = window.jQuery;
  if ($ && $.fn && $.fn.select2 && $.fn.select2.locales) {
    var locale = {
      // Read out to screen readers as text, not HTML.
      formatMatches: function (n) { return counted(texts.matchesOne, texts.matchesMany, n); },
      formatNoMatches: function () { return escapeHtml(texts.noMatches); },
      formatAjaxError: function () { return escapeHtml(texts.ajaxError); },
      formatInputTooShort: function (input, min) {
        return withCount(texts.tooShortOne, texts.tooShortMany, min - input.length);
      },
      formatInputTooLong: function (input, max) {
        return withCount(texts.tooLongOne, texts.tooLongMany, input.length - max);
      },
      formatSelectionTooBig: function (limit) {
        return withCount(texts.tooBigOne, texts.tooBigMany, limit);
      },
      formatLoadMore: function () { return escapeHtml(texts.loadMore); },
      formatSearching: function () { return escapeHtml(texts.searching); }
    };
    $.fn.select2.locales[language] = locale;
    $.extend($.fn.select2.defaults, locale);

    // Flask-Admin's list filters for "in list" build their select2 with their own English
    // formatNoMatches ("Enter comma separated values"), which no default can replace.
    var select2 = $.fn.select2;
    var replaced = function (options) {
      if (options && typeof options === 'object' && options.tags &&
          typeof options.formatNoMatches === 'function') {
        var args = Array.prototype.slice.call(arguments);
        args[0] = $.extend({}, options, {
          formatNoMatches: function () { return escapeHtml(texts.commaValues); }
        });
        return select2.apply(this, args);
      }
      return select2.apply(this, arguments);
    };
    // The same defaults, locales and ajax settings: select2 reads them from $.fn.select2.
    $.extend(replaced, select2);
    $.fn.select2 = replaced;
  }

  // ------------------------------------------------------------------ file inputs
  // Bootstrap's custom file input: the same <input type="file"> (its name, id and form stay),
  // laid invisibly over a label that says in the reader's language what is chosen.
  function chosenText(input) {
    var files = input.files || [];
    if (!files.length) { return texts.noFile; }
    if (files.length === 1) { return files[0].name; }
    return texts.filesChosen.replace('{n}', files.length);
  }

  function dressFileInput(input, index) {
    if (input.closest('.custom-file') || input.hasAttribute('data-plain')) { return; }
    if (!input.id) { input.id = 'file-input-' + index; }
    var box = document.createElement('div');
    box.className = 'custom-file samatta-file';
    input.parentNode.insertBefore(box, input);
    box.appendChild(input);
    input.classList.remove('form-control-file', 'form-control');
    input.classList.add('custom-file-input');
    var label = document.createElement('label');
    label.className = 'custom-file-label';
    label.htmlFor = input.id;
    label.setAttribute('data-browse', texts.browse);
    label.textContent = chosenText(input);
    box.appendChild(label);
    input.addEventListener('change', function () { label.textContent = chosenText(input); });
  }

  function dressFileInputs() {
    var inputs = document.querySelectorAll('input[type="file"]');
    Array.prototype.forEach.call(inputs, dressFileInput);
  }

  if (texts.browse) {
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', dressFileInputs);
    } else {
      dressFileInputs();
    }
  }
})();
