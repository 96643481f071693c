// The report's player: a click on a word (or a time) plays the answer from there; while it
// plays the current word is highlighted; Space plays and pauses, arrows skip 5 s; a link
// #turn-3&t=83.2 (or #t=83.2 for the first answer) starts at that moment. No network.
(function () {
  "use strict";
  var active = null; // the audio element the keyboard controls
  function audioOf(turn) { return document.getElementById("audio-" + turn); }
  function play(audio) { var p = audio.play(); if (p && p.catch) { p.catch(function () {}); } }
  function seek(turn, t, andPlay) {
    var audio = audioOf(turn);
    if (!audio) { return; }
    active = audio;
    audio.currentTime = Math.max(0, t);
    if (andPlay) { play(audio); }
  }
  // Words: one handler per transcript, words found by binary search while playing.
  document.querySelectorAll(".transcript").forEach(function (section) {
    var audio = document.getElementById(section.getAttribute("data-audio"));
    var words = Array.prototype.slice.call(section.querySelectorAll(".w[data-s]"));
    var starts = words.map(function (w) { return parseFloat(w.getAttribute("data-s")); });
    var current = null;
    section.addEventListener("click", function (event) {
      var w = event.target.closest(".w[data-s]");
      if (w && audio) { active = audio; audio.currentTime = parseFloat(w.getAttribute("data-s")); play(audio); }
    });
    if (!audio) { return; }
    audio.addEventListener("play", function () { active = audio; });
    audio.addEventListener("timeupdate", function () {
      var t = audio.currentTime, lo = 0, hi = starts.length - 1, found = -1;
      while (lo <= hi) { var mid = (lo + hi) >> 1; if (starts[mid] <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; } }
      var word = found >= 0 ? words[found] : null;
      if (word && t > parseFloat(word.getAttribute("data-e")) + 0.3) { word = null; }
      if (word !== current) {
        if (current) { current.classList.remove("now"); }
        if (word) { word.classList.add("now"); }
        current = word;
      }
    });
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".seek[data-turn]");
    if (!link) { return; }
    event.preventDefault();
    seek(link.getAttribute("data-turn"), parseFloat(link.getAttribute("data-t")), true);
    if (link.tagName === "A") { history.replaceState(null, "", link.getAttribute("href")); }
  });
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (tag === "button" || tag === "input" || tag === "textarea" || tag === "select" || tag === "audio" || event.target.isContentEditable) { return; }
    var audio = active || document.querySelector("audio.player");
    if (!audio) { return; }
    if (event.key === " ") { event.preventDefault(); if (audio.paused) { play(audio); } else { audio.pause(); } }
    else if (event.key === "ArrowRight") { event.preventDefault(); audio.currentTime = Math.min(audio.duration || 1e9, audio.currentTime + 5); }
    else if (event.key === "ArrowLeft") { event.preventDefault(); audio.currentTime = Math.max(0, audio.currentTime - 5); }
  });
  function fromHash() {
    var hash;
    try { hash = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; } // a malformed link
    if (!hash) { return; }
    var turn = null, t = null;
    hash.split("&").forEach(function (part) {
      var m = /^turn-(\d+)$/.exec(part); if (m) { turn = m[1]; }
      var n = /^t=([0-9.]+)$/.exec(part); if (n) { t = parseFloat(n[1]); }
    });
    if (turn === null) { var first = document.querySelector("audio.player"); if (first) { turn = first.id.slice(6); } }
    if (turn !== null) { var art = document.getElementById("turn-" + turn); if (art) { art.scrollIntoView(); } }
    if (turn !== null && t !== null) { seek(turn, t, false); }
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
