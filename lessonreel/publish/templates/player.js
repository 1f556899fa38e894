// lessonreel's SCO page: plays the lesson, asks its questions (questions.js) and reports
// to the LMS (scorm.js). Reopened, it seeks to the beat the learner left at; the
// questions already answered are not asked again.
(function () {
  "use strict";
  var video = document.getElementById("player");
  var data = JSON.parse(document.getElementById("lesson-data").textContent);
  var statusLine = document.getElementById("status");
  var session = window.LessonScorm.open(data);
  var beats = data.beats;
  var controller = null;
  var finished = false;

  function say(text) { statusLine.textContent = text; }

  function scoreNow() {
    if (controller) return controller.score();
    return { right: 0, answered: 0, total: data.questions.length };
  }

  function describe(score) {
    if (!score.total) return "";
    return score.right + " of " + score.total + " answered right";
  }

  function finish(score) {
    if (finished) return;
    finished = true;
    session.end(score);
    var told = describe(score);
    say("Lesson complete" + (told ? ": " + told : "") + ".");
  }

  function beatAt(seconds) {
    // The last beat starting at or before `seconds`: the beats tile the lesson.
    var found = 0;
    for (var i = 0; i < beats.length; i++) {
      if (beats[i].start <= seconds + 1e-6) found = i;
      else break;
    }
    return found;
  }

  if (window.LessonQuestions && data.questions.length) {
    controller = window.LessonQuestions.attach(video, data.questions, {
      container: video.parentNode,
      store: session.store,
      lesson: data.lesson,
      onAnswer: function (question, choice, right) {
        session.commit();
        say("Question " + (question.index + 1) + ": " + (right ? "right" : "not quite") + ". "
            + describe(scoreNow()) + ".");
      },
      onProgress: function () {},
      onEnd: finish
    });
  } else if (data.questions.length) {
    // questions.js did not load: the lesson still plays, and the answer beats explain.
    say("The questions could not be shown; the video plays on without them.");
  }

  function track() {
    if (beats.length) session.location(beatAt(video.currentTime));
  }
  video.addEventListener("timeupdate", track);
  video.addEventListener("seeked", track);
  video.addEventListener("pause", function () { session.commit(); });
  video.addEventListener("ended", function () { finish(scoreNow()); });
  // Played again from earlier on: reaching the end reports again (a later score counts).
  video.addEventListener("play", function () {
    if (video.currentTime < video.duration - 0.5) finished = false;
  });

  var resume = session.resume.beat;
  if (resume !== null && resume > 0 && resume < beats.length) {
    var goTo = function () { video.currentTime = beats[resume].start; };
    if (video.readyState >= 1) goTo();
    else video.addEventListener("loadedmetadata", goTo, { once: true });
    say("Welcome back: resuming at chapter " + beats[resume].chapter + ".");
  }

  Array.prototype.forEach.call(document.querySelectorAll("button[data-seek]"), function (button) {
    button.addEventListener("click", function () {
      video.currentTime = parseFloat(button.getAttribute("data-seek"));
      var started = video.play();
      if (started && started.catch) started.catch(function () {});
    });
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") session.commit();
  });
  // The LMS closes the frame, or the learner the window: the last report, then LMSFinish.
  // (pagehide, not unload: browsers drop unload handlers, and pagehide fires for a frame
  // removed or navigated away too.)
  window.addEventListener("pagehide", session.close);
  window.addEventListener("beforeunload", session.close);

  // Browsers refuse <track> files on file:// pages: opened from disk, the captions are
  // built from the page's own copy of them.
  var captions = video.querySelector("track[kind=captions]");
  function captionsFromPage() {
    if (!window.VTTCue || !data.captions.length) return;
    if (captions) captions.track.mode = "disabled";
    var built = video.addTextTrack("captions", "English", "en");
    data.captions.forEach(function (c) { built.addCue(new VTTCue(c.start, c.end, c.text)); });
    built.mode = "showing";
  }
  var TRACK_ERROR = 3;
  if (captions && (window.location.protocol === "file:" || captions.readyState === TRACK_ERROR)) {
    captionsFromPage();
  } else if (captions) {
    captions.addEventListener("error", captionsFromPage, { once: true });
  }

  window.lessonreelPlayer = { session: session, controller: function () { return controller; },
                              beatAt: beatAt };
})();
