// lessonreel course site: chapter and transcript links seek the video; the
// current chapter and sentence are highlighted as it plays. The page works
// without this script, minus seeking.
(function () {
  "use strict";
  var video = document.getElementById("player");
  if (!video) return;

  // A lesson that asks questions stops to ask them (questions.js). Attached before any
  // seek below, so a link into the lesson past a question still stops at it.
  var asked = document.getElementById("lesson-questions");
  if (asked && window.LessonQuestions) {
    var lesson = JSON.parse(asked.textContent);
    var score = document.getElementById("questions-score");
    document.getElementById("questions-note").hidden = false;
    window.lessonreelQuestions = window.LessonQuestions.attach(video, lesson.questions, {
      lesson: lesson.lesson,
      onEnd: function (result) {
        score.textContent = "Your score: " + result.right + " of " + result.total + ".";
      }
    });
  }

  function seek(seconds, play) {
    video.currentTime = seconds;
    if (play) {
      var started = video.play();
      if (started && started.catch) started.catch(function () {});
    }
  }

  function timeFromHash() {
    var match = /^#t=(\d+(?:\.\d+)?)$/.exec(window.location.hash);
    return match ? parseFloat(match[1]) : null;
  }

  function seekToHash() {
    var seconds = timeFromHash();
    if (seconds === null) return;
    if (video.readyState >= 1) seek(seconds, false);
    else video.addEventListener("loadedmetadata", function () { seek(seconds, false); }, { once: true });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-seek]");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    seek(parseFloat(link.getAttribute("data-seek")), true);
    // A shareable address for this moment, without scrolling the page to an anchor.
    history.replaceState(null, "", link.getAttribute("href"));
  });
  window.addEventListener("hashchange", seekToHash);
  seekToHash();

  function spans(selector) {
    return Array.prototype.map.call(document.querySelectorAll(selector), function (el) {
      return { el: el, start: parseFloat(el.getAttribute("data-start")), end: parseFloat(el.getAttribute("data-end")) };
    });
  }
  var chapters = spans(".chapter-list li");
  var cues = spans(".cue");

  video.addEventListener("timeupdate", function () {
    var t = video.currentTime;
    chapters.forEach(function (c, i) {
      var last = i === chapters.length - 1;
      var on = t >= c.start && (t < c.end || last);
      if (on) c.el.setAttribute("aria-current", "true");
      else c.el.removeAttribute("aria-current");
    });
    cues.forEach(function (c) { c.el.classList.toggle("current", t >= c.start && t < c.end); });
  });

  // Browsers refuse <track> files on file:// pages. Opened from disk, the
  // captions are built from the transcript in the page instead: each sentence
  // carries the caption cues it was cut into, lines and all.
  var captions = video.querySelector("track[kind=captions]");
  var pieces = spans(".cue .caption");
  function captionsFromTranscript() {
    if (!window.VTTCue || !cues.length) return;
    if (captions) captions.track.mode = "disabled";
    var track = video.addTextTrack("captions", "English", "en");
    if (pieces.length) {
      pieces.forEach(function (c) { track.addCue(new VTTCue(c.start, c.end, c.el.textContent)); });
    } else {
      cues.forEach(function (c) {
        track.addCue(new VTTCue(c.start, c.end, c.el.querySelector(".cue-text").textContent));
      });
    }
    track.mode = "showing";
  }
  var TRACK_ERROR = 3;
  if (captions && (window.location.protocol === "file:" || captions.readyState === TRACK_ERROR)) {
    captionsFromTranscript();
  } else if (captions) {
    captions.addEventListener("error", captionsFromTranscript, { once: true });
  }
})();
