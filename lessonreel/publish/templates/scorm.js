// lessonreel's SCORM 1.2 adapter: finds the LMS's run-time API and keeps it told.
//
//   LessonScorm.findAPI(window)      the LMS's `API` object, or null (opened from disk)
//   LessonScorm.sessionTime(ms)      "HHHH:MM:SS.SS", SCORM 1.2's CMITimespan
//   LessonScorm.open(lesson)         a session: {lms, resume, store, location(beat),
//                                    progress(state), end(score), commit(), close()}
//
// What it reports (the names are SCORM 1.2's data model):
//   cmi.core.lesson_status   "incomplete" from the start; at the lesson's end "passed" or
//                            "failed" against the mastery score, or "completed" when the
//                            lesson asks nothing
//   cmi.core.score.raw/min/max  the per cent of the lesson's questions answered right
//                            (0..100, unanswered ones count as wrong), reported at the end:
//                            a per cent, as the mastery score the LMS compares it with is
//   cmi.core.lesson_location the index of the beat playing: where a reopened lesson resumes
//   cmi.suspend_data         the answers and the furthest point reached, as compact JSON
//                            {"answers": {"<question>": choice}, "furthest": seconds}
//   cmi.core.session_time    time since LMSInitialize; cmi.core.exit "suspend" until the end
// Commits follow each answer, a pause, the end and the page being hidden; LMSFinish when
// the page goes away. Without an API the same session keeps its data in localStorage.
(function () {
  "use strict";

  var SUSPEND_LIMIT = 4096;  // SCORM 1.2's cmi.suspend_data is a CMIString4096
  var FINISHED = { passed: true, failed: true, completed: true };

  // SCORM 1.2's discovery: the nearest window up the frames (then the opener's) that
  // has an `API`. A frame of another origin throws when read: it is no LMS of ours.
  function lookUp(win) {
    for (var hops = 0; win && hops < 500; hops++) {
      try {
        if (win.API) return win.API;
      } catch (e) { /* another origin */ }
      var parent;
      try { parent = win.parent; } catch (e) { return null; }
      if (!parent || parent === win) return null;
      win = parent;
    }
    return null;
  }

  function findAPI(win) {
    var api = lookUp(win);
    if (!api) {
      try { if (win.opener) api = lookUp(win.opener); } catch (e) { api = null; }
    }
    return api;
  }

  function pad(number, width) {
    var text = String(number);
    while (text.length < width) text = "0" + text;
    return text;
  }

  function sessionTime(ms) {
    var hundredths = Math.max(0, Math.round(ms / 10));
    var hours = Math.min(9999, Math.floor(hundredths / 360000));
    var minutes = Math.floor(hundredths / 6000) % 60;
    var seconds = (hundredths % 6000) / 100;
    return pad(hours, 4) + ":" + pad(minutes, 2) + ":" + pad(seconds.toFixed(2), 5);
  }

  function parseState(text) {
    if (!text) return null;
    try {
      var state = JSON.parse(text);
      if (!state || typeof state !== "object" || Array.isArray(state)) return null;
      return { answers: state.answers && typeof state.answers === "object" ? state.answers : {},
               furthest: typeof state.furthest === "number" ? state.furthest : 0 };
    } catch (e) {
      return null;
    }
  }

  function compact(state) {
    var answers = {};
    Object.keys((state && state.answers) || {}).forEach(function (key) {
      answers[key] = state.answers[key];
    });
    var furthest = state && typeof state.furthest === "number" ? state.furthest : 0;
    return JSON.stringify({ answers: answers, furthest: Math.round(furthest * 10) / 10 });
  }

  function percent(score) {
    return score.total ? Math.round(100 * score.right / score.total) : null;
  }

  // Talks to an LMS's API: every call is the SCORM 1.2 one, values strings.
  function lmsSession(api, lesson) {
    var started = Date.now();
    var open = String(api.LMSInitialize("")) === "true";
    function get(name) { return open ? String(api.LMSGetValue(name) || "") : ""; }
    function set(name, value) {
      if (open) api.LMSSetValue(name, String(value));
    }
    var status = get("cmi.core.lesson_status");
    var finished = FINISHED[status] === true;
    if (!finished) set("cmi.core.lesson_status", "incomplete");
    // A fresh attempt ("ab-initio") starts from the beginning with no answers.
    var fresh = get("cmi.core.entry") === "ab-initio";
    var location = parseInt(get("cmi.core.lesson_location"), 10);
    var state = fresh ? null : parseState(get("cmi.suspend_data"));
    var lmsMastery = parseFloat(get("cmi.student_data.mastery_score"));
    var mastery = isFinite(lmsMastery) ? lmsMastery : lesson.mastery_score;
    var saved = compact(state);
    var lastLocation = isFinite(location) ? location : null;
    var closed = false;

    function commit() {
      if (!open || closed) return;
      set("cmi.core.session_time", sessionTime(Date.now() - started));
      api.LMSCommit("");
    }

    return {
      lms: true,
      mastery: mastery,
      resume: { beat: fresh || !isFinite(location) ? null : location, state: state },
      store: {
        load: function () { return state; },
        save: function (next) {
          state = next;
          var text = compact(next);
          if (text === saved || text.length > SUSPEND_LIMIT) return;
          saved = text;
          set("cmi.suspend_data", text);
        }
      },
      location: function (beat) {
        if (beat === lastLocation) return;
        lastLocation = beat;
        set("cmi.core.lesson_location", beat);
      },
      end: function (score) {
        var raw = percent(score);
        if (raw === null || mastery === null || mastery === undefined) {
          set("cmi.core.lesson_status", "completed");
        } else {
          set("cmi.core.score.min", 0);
          set("cmi.core.score.max", 100);
          set("cmi.core.score.raw", raw);
          set("cmi.core.lesson_status", raw >= mastery ? "passed" : "failed");
        }
        finished = true;
        set("cmi.core.exit", "");
        commit();
      },
      commit: commit,
      close: function () {
        if (!open || closed) return;
        // "suspend": the learner means to come back, so the LMS keeps this data for them.
        set("cmi.core.exit", finished ? "" : "suspend");
        commit();
        closed = true;
        api.LMSFinish("");
      },
      get: get
    };
  }

  // Opened from disk, or from an LMS that offers no API: the same session, kept in
  // this browser only.
  function localSession(lesson) {
    var key = "lessonreel:" + lesson.lesson;
    var kept = {};
    try {
      kept = JSON.parse(window.localStorage.getItem(key) || "{}") || {};
    } catch (e) {
      kept = {};
    }
    function keep() {
      try { window.localStorage.setItem(key, JSON.stringify(kept)); } catch (e) { /* full or off */ }
    }
    var state = parseState(kept.state ? JSON.stringify(kept.state) : "");
    return {
      lms: false,
      mastery: lesson.mastery_score,
      resume: { beat: typeof kept.beat === "number" ? kept.beat : null, state: state },
      store: {
        load: function () { return state; },
        save: function (next) { state = next; kept.state = JSON.parse(compact(next)); keep(); }
      },
      location: function (beat) {
        if (kept.beat !== beat) { kept.beat = beat; keep(); }
      },
      end: function (score) { kept.score = percent(score); keep(); },
      commit: function () {},
      close: function () {},
      get: function () { return ""; }
    };
  }

  function open(lesson) {
    var api = findAPI(window);
    return api ? lmsSession(api, lesson) : localSession(lesson);
  }

  window.LessonScorm = { findAPI: findAPI, sessionTime: sessionTime, open: open };
})();
