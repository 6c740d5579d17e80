// The import upload page: the placement round is asked for only for the kinds that need it,
// and the chosen kind is highlighted.
(function () {
  'use strict';
  var radios = document.querySelectorAll('input[name="kind"]');
  var roundGroup = document.getElementById('round-group');
  if (!roundGroup) { return; }
  function update() {
    var chosen = document.querySelector('input[name="kind"]:checked');
    roundGroup.style.display = chosen && chosen.dataset.needsRound === '1' ? '' : 'none';
    radios.forEach(function (radio) {
      radio.closest('.list-group-item').classList.toggle('active-kind', radio.checked);
    });
  }
  radios.forEach(function (radio) { radio.addEventListener('change', update); });
  update();
})();
