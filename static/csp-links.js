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
