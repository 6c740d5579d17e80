// An import batch being checked or written: poll its status, move the bar, reload when done.
(function () {
  'use strict';
  var card = document.getElementById('progress-card');
  if (!card) { return; }
  var bar = document.getElementById('progress-bar');
  var stage = document.getElementById('progress-stage');
  function poll() {
    fetch(card.dataset.statusUrl, {headers: {'Accept': 'application/json'}, credentials: 'same-origin'})
      .then(function (response) { return response.json(); })
      .then(function (state) {
        bar.style.width = state.progress + '%';
        bar.textContent = state.progress + '%';
        bar.setAttribute('aria-valuenow', state.progress);
        stage.textContent = state.stage_label;
        if (state.running) { setTimeout(poll, 1000); } else { window.location.reload(); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 700);
})();
