// Flask-Admin's templates write links with href="javascript:void(0)" (menus, tabs, the
// current page of a list): their work is done by Bootstrap's and Flask-Admin's listeners.
// The site's Content-Security-Policy runs no javascript: URL, and reports each one followed:
// so none is followed.
(function () {
  'use strict';
  document.addEventListener('click', function (event) {
    var link = event.target && event.target.closest && event.target.closest('a[href]');
    if (link && /^\s*javascript:/i.test(link.getAttribute('href'))) {
      event.preventDefault();
    }
  }, true);
})();

// A button with data-confirm (a list row's delete) posts its form only once the reader
// confirms the question it carries: the same question Flask-Admin asked inline.
(function () {
  'use strict';
  document.addEventListener('click', function (event) {
    var button = event.target && event.target.closest && event.target.closest('button[data-confirm]');
    if (button && !window.confirm(button.getAttribute('data-confirm'))) {
      event.preventDefault();
    }
  }, true);
})();
