// lessonreel questions: a lesson video that stops to ask. Shared by the course site's
// lesson page and by any other player page (a SCORM package's); no framework, ES5.
//
//   var controller = window.LessonQuestions.attach(video, questions, options);
//
// video      the <video> element playing the lesson.
// questions  beats.json's (or the manifest's) "questions" list, as written: each
//            {index, prompt, choices (2 to 4, lettered A-D), mistakes (null for the right
//            choice), correct, explanation, ask_frame, think_frame, answer_frame, ask,
//            think, answer}. Times are seconds on the video; frames are the lesson's.
// options    all optional:
//   container  the element the panel is put in (default: the video's parent)
//   lesson     the lesson's slug: names the default store's localStorage key
//   store      {load(): state | null, save(state)}; default: localStorage under
//              "lessonreel-questions:<lesson>". load is called once, by attach.
//   onAnswer(question, choiceIndex, right)  each answer, once the store has it
//   onProgress(state)                       each time the state is saved
//   onEnd(score)                            at the video's end, score as score() gives it
//   fps        the video's frames a second (default: worked out from the questions)
// state      {"answers": {"<question index>": <choice index>}, "furthest": <seconds
//            reached by playing>}; what load returns is checked, and what does not fit
//            these questions is dropped.
// controller score() -> {right, answered, total}; state() -> a copy of the state;
//            skip() -> go on without answering the question being asked (if one is).
//
// Playing through a question's think time (think_frame: the question has been asked
// and the video shows its countdown), the video pauses there and a panel asks it: the
// choices as buttons lettered A-D, keys 1-4 and A-D choose, and Skip (or playing on
// with the player's own controls) goes on without an answer, through the video's own
// countdown; a skipped question is asked again on the page's next visit. An answer says
// right or wrong, the explanation, and for a wrong one the mistake it stands for;
// Continue (or Enter) plays on from the answer time, where the video reveals and
// explains the answer itself. An answered question never stops the video again. A seek
// of the learner's (a chapter link, the player's bar) goes where it was aimed: a question
// it passes is not asked then (it counts as not answered), and playing on from there asks
// the next one it reaches. At the video's end
// the panel shows the score (right out of all the questions). The panel's look is in
// questions.css, which uses palette.css's colours (--right and --wrong among them).
(function () {
  "use strict";
  var LETTERS = ["A", "B", "C", "D"];
  var KEY_PREFIX = "lessonreel-questions:";
  // Seconds into a frame that a seek aims for: past the frame's start, which floating
  // point could put on the frame before, and well before its end.
  var INTO_FRAME = 0.001;
  // How much further (seconds) playing must get before the furthest point is saved again.
  var SAVE_EVERY = 5;
  var made = 0;

  function localStore(lesson) {
    var key = KEY_PREFIX + (lesson || window.location.pathname);
    return {
      load: function () {
        try {
          var text = window.localStorage.getItem(key);
          return text ? JSON.parse(text) : null;
        } catch (error) {
          return null;  // storage off, or something else's value under our key
        }
      },
      save: function (state) {
        try { window.localStorage.setItem(key, JSON.stringify(state)); } catch (error) { /* full or off */ }
      }
    };
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function framesPerSecond(questions) {
    for (var i = 0; i < questions.length; i += 1) {
      var q = questions[i];
      if (q.answer > q.ask) return Math.round((q.answer_frame - q.ask_frame) / (q.answer - q.ask));
    }
    return 30;
  }

  // The loaded state, keeping only answers that are a choice of one of these questions.
  function checked(loaded, byIndex) {
    var state = { answers: {}, furthest: 0 };
    if (!loaded || typeof loaded !== "object") return state;
    var answers = loaded.answers && typeof loaded.answers === "object" ? loaded.answers : {};
    Object.keys(answers).forEach(function (key) {
      var q = byIndex[key];
      var choice = answers[key];
      if (q && typeof choice === "number" && choice % 1 === 0 && choice >= 0 && choice < q.choices.length) {
        state.answers[key] = choice;
      }
    });
    if (typeof loaded.furthest === "number" && loaded.furthest >= 0 && isFinite(loaded.furthest)) {
      state.furthest = loaded.furthest;
    }
    return state;
  }

  function attach(video, questions, options) {
    options = options || {};
    questions = (questions || []).slice().sort(function (a, b) { return a.think - b.think; });
    var byIndex = {};
    questions.forEach(function (q) { byIndex[String(q.index)] = q; });
    var fps = options.fps || framesPerSecond(questions);
    var store = options.store || localStore(options.lesson);
    var loaded = null;
    try { loaded = store.load(); } catch (error) { /* a store that cannot read starts afresh */ }
    var state = checked(loaded, byIndex);
    var savedFurthest = state.furthest;
    var skipped = {};       // skipped in this visit: not asked again until the page reloads
    var asking = null;      // the question the panel asks, while it does
    var chosen = null;      // its answer, once given
    var last = video.currentTime || 0;  // where playing was last seen, for crossings
    var ownSeek = null;     // where the video was last sent by this script
    var id = "lesson-question-" + (made += 1);

    // --- the panel ----------------------------------------------------------------
    var panel = element("section", "lq-panel");
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-modal", "false");
    panel.setAttribute("aria-labelledby", id + "-title");
    panel.setAttribute("aria-describedby", id + "-prompt");
    panel.tabIndex = -1;
    panel.hidden = true;
    var title = element("h2", "lq-title");
    title.id = id + "-title";
    var prompt = element("p", "lq-prompt");
    prompt.id = id + "-prompt";
    var choiceList = element("ol", "lq-choices");
    var feedback = element("div", "lq-feedback");
    feedback.setAttribute("role", "status");
    feedback.setAttribute("aria-live", "polite");
    var hint = element("p", "lq-hint");
    var actions = element("div", "lq-actions");
    var continueButton = element("button", "lq-continue", "Continue");
    continueButton.type = "button";
    var skipButton = element("button", "lq-skip", "Skip");
    skipButton.type = "button";
    var closeButton = element("button", "lq-close", "Close");
    closeButton.type = "button";
    actions.appendChild(continueButton);
    actions.appendChild(skipButton);
    actions.appendChild(closeButton);
    [title, prompt, choiceList, feedback, hint, actions].forEach(function (part) { panel.appendChild(part); });
    var container = options.container || video.parentNode;
    container.classList.add("lq-host");  // questions.css places the panel by it
    container.appendChild(panel);

    function frameTime(frame) { return frame / fps + INTO_FRAME; }

    function answered(q) { return Object.prototype.hasOwnProperty.call(state.answers, String(q.index)); }

    function score() {
      var right = 0, count = 0;
      questions.forEach(function (q) {
        if (!answered(q)) return;
        count += 1;
        if (state.answers[String(q.index)] === q.correct) right += 1;
      });
      return { right: right, answered: count, total: questions.length };
    }

    function copy() {
      var answers = {};
      Object.keys(state.answers).forEach(function (key) { answers[key] = state.answers[key]; });
      return { answers: answers, furthest: state.furthest };
    }

    function save() {
      savedFurthest = state.furthest;
      store.save(copy());
      if (options.onProgress) options.onProgress(copy());
    }

    function seek(seconds) {
      ownSeek = seconds;
      last = seconds;
      video.currentTime = seconds;
    }

    function play() {
      var started = video.play();
      if (started && started.catch) started.catch(function () { /* refused: stays paused */ });
    }

    function show(parts) {
      title.textContent = parts.title;
      prompt.textContent = parts.prompt || "";
      prompt.hidden = !parts.prompt;
      while (choiceList.firstChild) choiceList.removeChild(choiceList.firstChild);
      while (feedback.firstChild) feedback.removeChild(feedback.firstChild);
      hint.textContent = parts.hint || "";
      hint.hidden = !parts.hint;
      continueButton.hidden = true;
      skipButton.hidden = !parts.skip;
      closeButton.hidden = !parts.close;
      panel.hidden = false;
      panel.setAttribute("data-state", parts.state);
    }

    function hide() {
      panel.hidden = true;
      asking = null;
      chosen = null;
    }

    function ask(q) {
      asking = q;
      chosen = null;
      var number = questions.indexOf(q) + 1;
      show({ title: "Question " + number + " of " + questions.length, prompt: q.prompt, skip: true,
             hint: "Choose an answer: click it, or press " + LETTERS[0] + "–" + LETTERS[q.choices.length - 1] +
                   " or 1–" + q.choices.length + ".", state: "asking" });
      q.choices.forEach(function (choice, i) {
        var button = element("button", "lq-choice");
        button.type = "button";
        button.setAttribute("data-choice", String(i));
        button.appendChild(element("span", "lq-letter", LETTERS[i]));
        button.appendChild(element("span", "lq-choice-text", choice));
        button.addEventListener("click", function () { answer(i); });
        var item = element("li");
        item.appendChild(button);
        choiceList.appendChild(item);
      });
      panel.focus();
    }

    function answer(choice) {
      var q = asking;
      if (!q || chosen !== null || choice < 0 || choice >= q.choices.length) return;
      chosen = choice;
      var right = choice === q.correct;
      state.answers[String(q.index)] = choice;
      save();
      panel.setAttribute("data-state", right ? "right" : "wrong");
      Array.prototype.forEach.call(choiceList.querySelectorAll(".lq-choice"), function (button, i) {
        button.disabled = true;
        if (i === choice) {
          button.classList.add("lq-chosen");
          button.appendChild(element("span", "lq-mark", right ? "your answer, right" : "your answer"));
        }
        if (i === q.correct && !right) {
          button.classList.add("lq-correct");
          button.appendChild(element("span", "lq-mark", "the right answer"));
        }
        if (i === q.correct && right) button.classList.add("lq-correct");
      });
      feedback.appendChild(element("p", "lq-verdict", right
        ? "Right. " + LETTERS[choice] + ": " + q.choices[choice]
        : "Wrong. The answer is " + LETTERS[q.correct] + ": " + q.choices[q.correct]));
      if (!right && q.mistakes[choice]) {
        feedback.appendChild(element("p", "lq-mistake",
          LETTERS[choice] + " (" + q.choices[choice] + ") is " + q.mistakes[choice] + "."));
      }
      feedback.appendChild(element("p", "lq-explanation", q.explanation));
      hint.textContent = "Continue plays the answer (Enter).";
      skipButton.hidden = true;
      continueButton.hidden = false;
      continueButton.focus();
      if (options.onAnswer) options.onAnswer(q, choice, right);
    }

    // Where the panel pushed the video off the top of the screen (a phone's), bring it back.
    function inView() {
      if (video.getBoundingClientRect().top < 0) video.scrollIntoView({ block: "start" });
    }

    function goOn() {
      var q = asking;
      if (!q || chosen === null) return;
      hide();
      inView();
      seek(frameTime(q.answer_frame));
      play();
    }

    function skip() {
      var q = asking;
      if (!q) return;
      if (chosen !== null) { goOn(); return; }
      skipped[String(q.index)] = true;
      hide();
      inView();
      play();  // on from where it stopped: the video's own pause, then its answer
    }

    function end() {
      if (!questions.length) return;
      var result = score();
      var unanswered = result.total - result.answered;
      show({ title: "Your score: " + result.right + " of " + result.total,
             prompt: unanswered ? unanswered + " of the " + result.total + " questions " +
                     (unanswered === 1 ? "was" : "were") + " not answered." : "",
             close: true, state: "score" });
      // Each question and how it went, in words (the colour only repeats them).
      var list = element("ol", "lq-summary");
      questions.forEach(function (q) {
        var choice = state.answers[String(q.index)];
        var kind = !answered(q) ? "unanswered" : choice === q.correct ? "right" : "wrong";
        var how = { unanswered: "not answered", right: "right",
                    wrong: "wrong (" + LETTERS[choice] + ")" }[kind];
        var item = element("li", "lq-" + kind);
        item.appendChild(element("span", "lq-how", how));
        item.appendChild(document.createTextNode(" " + q.prompt));
        list.appendChild(item);
      });
      feedback.appendChild(list);
      panel.focus();
      if (options.onEnd) options.onEnd(result);
    }

    // --- when to stop ---------------------------------------------------------------
    function open(q) { return !answered(q) && !skipped[String(q.index)]; }

    // A question is crossed when playing goes from before its think time to within a
    // frame of it: stopping a frame early leaves time to pause before the countdown shows.
    function crossed(from, to) {
      for (var i = 0; i < questions.length; i += 1) {
        var q = questions[i];
        if (open(q) && from < q.think && to >= Math.max(q.ask, q.think - 1 / fps)) return q;
      }
      return null;
    }

    function stopAt(q) {
      video.pause();
      seek(frameTime(q.think_frame));
      ask(q);
    }

    function tick(now) {
      if (asking || video.paused || video.seeking) return;
      var from = last;
      last = Math.max(last, now);
      if (now > state.furthest) {
        state.furthest = now;
        if (state.furthest - savedFurthest >= SAVE_EVERY) save();
      }
      var q = crossed(from, now);
      if (q) stopAt(q);
    }

    if (video.requestVideoFrameCallback) {
      var onFrame = function (now, meta) {
        tick(meta.mediaTime);
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
    }
    // Also without frames to present (a page in the background still plays its sound).
    video.addEventListener("timeupdate", function () { tick(video.currentTime); });

    video.addEventListener("seeking", function () {
      var target = video.currentTime;
      // Told by where the video is going, not by counting events: a seek of the
      // learner's that this script overtook fires its event late, showing the same target.
      if (ownSeek !== null && Math.abs(target - ownSeek) < 1e-6) return;
      ownSeek = null;
      // Not a skip: a learner who goes back to hear the question again is asked again.
      if (!panel.hidden) hide();
      // The learner chose where to go: playing on from there asks what it then reaches.
      last = target;
    });

    video.addEventListener("play", function () {
      // This script plays only with the panel put away; and a play the video has since
      // been paused after (to ask) is over.
      if (panel.hidden || video.paused) return;
      // Played from the player's own controls: an open question is skipped, an answered
      // one goes on from here, the score is put away.
      if (asking && chosen === null) skipped[String(asking.index)] = true;
      hide();
    });

    function saveFurthest() {
      if (state.furthest > savedFurthest) save();
    }
    video.addEventListener("pause", saveFurthest);
    window.addEventListener("pagehide", saveFurthest);

    video.addEventListener("ended", function () {
      if (video.duration && isFinite(video.duration)) state.furthest = Math.max(state.furthest, video.duration);
      save();
      end();
    });

    continueButton.addEventListener("click", goOn);
    skipButton.addEventListener("click", skip);
    closeButton.addEventListener("click", function () { hide(); video.focus(); });

    document.addEventListener("keydown", function (event) {
      if (panel.hidden || !asking || event.altKey || event.ctrlKey || event.metaKey) return;
      var target = event.target;
      if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
      if (chosen === null) {
        var key = event.key.length === 1 ? event.key.toUpperCase() : "";
        var choice = /^[1-4]$/.test(key) ? parseInt(key, 10) - 1 : LETTERS.indexOf(key);
        if (choice >= 0 && choice < asking.choices.length) {
          event.preventDefault();
          answer(choice);
        }
      } else if (event.key === "Enter" && !(target && target.tagName === "BUTTON" && panel.contains(target))) {
        // A focused button of the panel answers Enter itself.
        event.preventDefault();
        goOn();
      }
    });

    return { score: score, state: copy, skip: skip };
  }

  window.LessonQuestions = { attach: attach };
})();
