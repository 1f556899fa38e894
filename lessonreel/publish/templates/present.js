// lessonreel presenter: plays a lesson one beat at a time and pauses on each beat's
// last frame; present.html?notes is the speaker's window, kept in step with the
// main one through a BroadcastChannel and, where a page opened from disk has none
// that reaches the other window, through postMessage between the two windows. A beat
// that asks a question stops where its countdown would start (the room thinks without
// it), and the next key plays the answer beat from its first frame.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("lesson-data").textContent);
  var fps = data.fps;
  var beats = data.beats;
  var chapters = data.chapters;
  var questionAt = {};  // the index of a beat that asks a question -> the question
  (data.questions || []).forEach(function (q) { questionAt[q.beat] = q; });
  var notesMode = new URLSearchParams(window.location.search).has("notes");

  // --- messages between the two windows -------------------------------------
  var channel = window.BroadcastChannel ? new BroadcastChannel("lessonreel-present:" + data.lesson) : null;
  var peers = [];
  var seen = {};
  var sent = 0;
  var me = Math.random().toString(36).slice(2);
  if (window.opener) peers.push(window.opener);

  function post(message) {
    message.lesson = data.lesson;
    message.id = me + ":" + (sent += 1);
    if (channel) channel.postMessage(message);
    peers.forEach(function (peer) {
      try { if (!peer.closed) peer.postMessage(message, "*"); } catch (error) { /* gone */ }
    });
  }

  function listen(handler) {
    function take(message) {
      // A message can come by both routes: act on it once.
      if (!message || message.lesson !== data.lesson || !message.id || seen[message.id]) return;
      seen[message.id] = true;
      handler(message);
    }
    if (channel) channel.onmessage = function (event) { take(event.data); };
    window.addEventListener("message", function (event) {
      if (event.source === window.opener || peers.indexOf(event.source) >= 0) take(event.data);
    });
  }

  // --- keys: the same in both windows; the notes window forwards them ---------
  function action(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return null;
    switch (event.key) {
      case "ArrowRight": case "PageDown": case " ": case "Spacebar": return "next";
      case "ArrowLeft": case "PageUp": return "back";
      case "Home": return "first";
      case "End": return "last";
      case "Enter": return "enter";
      case "Escape": return "clear";
      case "Backspace": return "erase";
      case "f": case "F": return "fullscreen";
      case "m": case "M": return "mute";
      case "c": case "C": return "captions";
      case "n": case "N": return "notes";
    }
    return /^[0-9]$/.test(event.key) ? "digit" + event.key : null;
  }

  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = seconds % 60;
    var ss = (s < 10 ? "0" : "") + s;
    return h ? h + ":" + (m < 10 ? "0" : "") + m + ":" + ss : m + ":" + ss;
  }

  function text(id, value) { document.getElementById(id).textContent = value; }

  function firstSentence(words) {
    var match = /^.*?[.!?](?=\s|$)/.exec(words);
    return match ? match[0] : words;
  }

  if (notesMode) notes(); else presenter();

  // --- the main window --------------------------------------------------------
  function presenter() {
    var stage = document.getElementById("stage");
    stage.hidden = false;
    var video = document.getElementById("player");
    // Where the lesson stands: "ready" on beat `cursor`'s first frame, "ended" on the
    // last frame of beat `cursor - 1`, or "playing" beat `cursor`.
    var state = { cursor: 0, mode: "ready", typed: "", startedAt: null };
    var run = 0;
    // The question whose beat has just stopped before its countdown, until the next move.
    var asking = null;
    // What was measured of each beat played, for anyone checking the pauses.
    var log = window.lessonreelPresenterLog = [];

    function frameTime(frame) { return (frame + 0.5) / fps; }

    // The last frame a beat plays: an asking beat's is the one before its countdown.
    function lastFrame(index) {
      var q = questionAt[index];
      return q ? Math.max(beats[index].first_frame, q.think_frame - 1) : beats[index].end_frame - 1;
    }

    function current() {
      return state.mode === "ended" ? state.cursor - 1 : Math.min(state.cursor, beats.length - 1);
    }

    function presented(callback) {
      // The frame on screen once a seek has landed: from the compositor where it says,
      // else (no callback within half a second) from the player's clock.
      var answered = false;
      function answer(frame) {
        if (!answered) { answered = true; callback(frame); }
      }
      if (video.requestVideoFrameCallback) {
        video.requestVideoFrameCallback(function (now, meta) {
          answer(Math.floor(meta.mediaTime * fps + 1e-3));
        });
      }
      setTimeout(function () { answer(Math.floor(video.currentTime * fps)); },
                 video.requestVideoFrameCallback ? 500 : 0);
    }

    function settle(frame, entry) {
      video.pause();
      // The lesson's first frame from its very start, so playing it loses nothing.
      var target = frame === 0 ? 0 : frameTime(frame);
      var done = function () {
        if (entry) presented(function (shown) { entry.shown = shown; });
      };
      if (Math.abs(video.currentTime - target) > 1e-6) {
        video.addEventListener("seeked", done, { once: true });
        video.currentTime = target;
      } else {
        done();
      }
    }

    function show(index, mode) {
      run += 1;
      asking = null;
      state.cursor = index;
      state.mode = mode;
      if (mode === "ready") settle(beats[index].first_frame, null);
      else settle(beats[index - 1].end_frame - 1, null);
      update();
    }

    function play(index) {
      var beat = beats[index];
      var last = lastFrame(index);
      var mine = (run += 1);
      var entry = { beat: index, name: beat.name, from: null, last: last, lowest: null, highest: -1,
                    shown: null };
      asking = null;
      state.cursor = index;
      state.mode = "playing";
      if (state.startedAt === null) state.startedAt = Date.now();
      function finish() {
        video.removeEventListener("ended", finish);
        if (mine !== run) return;
        run += 1;
        state.cursor = index + 1;
        state.mode = "ended";
        asking = questionAt[index] || null;
        log.push(entry);
        settle(last, entry);
        update();
      }
      function watch(now, meta) {
        if (mine !== run) return;
        var frame = Math.floor(meta.mediaTime * fps + 1e-3);
        entry.highest = Math.max(entry.highest, frame);
        if (entry.lowest === null || frame < entry.lowest) entry.lowest = frame;
        // Stop one frame early and land on the last frame by seeking: a frame period
        // can be shorter than the time a callback takes to stop the clock, and the
        // next beat's first frame must never be shown.
        if (frame >= last - 1) finish();
        else video.requestVideoFrameCallback(watch);
      }
      var timeWatch = function () {
        if (mine !== run) { video.removeEventListener("timeupdate", timeWatch); return; }
        if (!video.requestVideoFrameCallback && video.currentTime >= last / fps) finish();
      };
      function begin() {
        if (mine !== run) return;
        entry.from = Math.floor(video.currentTime * fps);
        if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(watch);
        video.addEventListener("timeupdate", timeWatch);
        video.addEventListener("ended", finish);
        var started = video.play();
        if (started && started.catch) {
          started.catch(function () {
            if (mine === run) show(index, "ready");
          });
        }
      }
      // After a question's pause the video stands before the countdown: the answer
      // beat plays from its own first frame.
      if (Math.floor(video.currentTime * fps) < beat.first_frame - 1) {
        video.addEventListener("seeked", begin, { once: true });
        video.currentTime = frameTime(beat.first_frame);
      } else {
        begin();
      }
      update();
    }

    function next() {
      if (state.mode === "playing") {
        var index = state.cursor;
        run += 1;
        state.cursor = index + 1;
        state.mode = "ended";
        asking = questionAt[index] || null;
        settle(lastFrame(index), null);
        update();
      } else if (state.cursor < beats.length) {
        play(state.cursor);
      }
    }

    function back() {
      if (state.mode === "playing") show(state.cursor, "ready");
      else if (state.mode === "ended") show(state.cursor - 1, "ready");
      else show(Math.max(0, state.cursor - 1), "ready");
    }

    function chapter(number) {
      var found = chapters[number - 1];
      if (found) show(found.first_beat, "ready");
    }

    function toggleCaptions() {
      var track = captionTrack();
      if (track) track.mode = track.mode === "showing" ? "hidden" : "showing";
      update();
    }

    var built = null;
    function captionTrack() {
      if (built) return built;
      var track = video.textTracks.length ? video.textTracks[0] : null;
      return track;
    }
    // Browsers refuse <track> files on pages opened from disk: build the captions
    // from the cues embedded in the page instead.
    var element = video.querySelector("track");
    function captionsFromPage() {
      if (built || !window.VTTCue || !data.captions.length) return;
      var before = video.textTracks.length ? video.textTracks[0].mode : "showing";
      if (element) element.track.mode = "disabled";
      built = video.addTextTrack("captions", "English", "en");
      data.captions.forEach(function (cue) { built.addCue(new VTTCue(cue.start, cue.end, cue.text)); });
      built.mode = before === "hidden" ? "hidden" : "showing";
      update();
    }
    if (element && (window.location.protocol === "file:" || element.readyState === 3)) captionsFromPage();
    else if (element) element.addEventListener("error", captionsFromPage, { once: true });

    var notesWindow = null;
    function openNotes() {
      notesWindow = window.open(window.location.pathname + "?notes", "lessonreel-notes-" + data.lesson,
                                "width=960,height=720");
      if (notesWindow && peers.indexOf(notesWindow) < 0) peers.push(notesWindow);
    }

    function fullscreen() {
      if (document.fullscreenElement) document.exitFullscreen();
      else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen();
    }

    function perform(name) {
      if (name !== "enter" && name.indexOf("digit") !== 0 && name !== "erase") state.typed = "";
      switch (name) {
        case "next": next(); return;
        case "back": back(); return;
        case "first": show(0, "ready"); return;
        case "last": show(beats.length, "ended"); return;
        case "mute": video.muted = !video.muted; update(); return;
        case "captions": toggleCaptions(); return;
        case "fullscreen": fullscreen(); return;
        case "notes": openNotes(); return;
        case "clear": update(); return;
        case "erase": state.typed = state.typed.slice(0, -1); update(); return;
        case "enter":
          if (state.typed) {
            var number = parseInt(state.typed, 10);
            state.typed = "";
            chapter(number);
          }
          update();
          return;
      }
      if (name.indexOf("digit") === 0 && state.typed.length < 3) {
        state.typed += name.slice(5);
        update();
      }
    }

    function update() {
      var index = current();
      var beat = beats[index];
      var where = chapters[beat.chapter - 1];
      text("chapter-number", "Chapter " + where.number + " of " + chapters.length + ":");
      text("chapter-title", where.title);
      var within = index - where.first_beat + 1;
      text("beat-number", "beat " + within + " of " + where.beats + " (" + (index + 1) + "/" + beats.length + ")" +
           (state.mode === "playing" ? " ▶" : ""));
      text("typed", state.typed ? "chapter " + state.typed + " ⏎" : "");
      document.getElementById("question-hint").hidden = !asking;
      text("audio-state", video.muted ? "sound off" : "sound on");
      var track = captionTrack();
      text("captions-state", track && track.mode === "showing" ? "captions on" : "captions off");
      document.documentElement.setAttribute("data-mode", state.mode);
      post({ type: "state", cursor: state.cursor, mode: state.mode, current: index,
             startedAt: state.startedAt, muted: video.muted, typed: state.typed,
             asking: asking !== null });
    }

    document.addEventListener("keydown", function (event) {
      var name = action(event);
      if (!name) return;
      event.preventDefault();
      perform(name);
    });
    video.addEventListener("click", function () { perform("next"); });
    video.textTracks.addEventListener("change", function () { update(); });
    listen(function (message) {
      if (message.type === "hello") update();
      else if (message.type === "command" && typeof message.action === "string") perform(message.action);
    });
    window.lessonreelPresenter = { state: state, beats: beats, chapters: chapters, fps: fps, perform: perform,
                                   asking: function () { return asking; } };
    if (video.readyState >= 1) show(0, "ready");
    else video.addEventListener("loadedmetadata", function () { show(0, "ready"); }, { once: true });
    update();
  }

  // --- the speaker's notes ------------------------------------------------------
  function notes() {
    document.getElementById("notes").hidden = false;
    document.title = "Notes: " + document.title.replace(/^Present: /, "");
    var startedAt = null;
    var heard = false;

    function tick() {
      text("elapsed", startedAt === null ? "0:00" : clock((Date.now() - startedAt) / 1000));
      text("clock", new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
    }

    listen(function (message) {
      if (message.type !== "state") return;
      heard = true;
      var index = message.current;
      var beat = beats[index];
      if (!beat) return;
      var where = chapters[beat.chapter - 1];
      startedAt = message.startedAt;
      text("notes-chapter", "Chapter " + where.number + " of " + chapters.length + ": " + where.title);
      text("notes-beat", "Beat " + (index + 1) + " of " + beats.length + ",");
      text("notes-state", message.mode === "playing" ? "playing" :
           message.asking ? "paused to ask: → plays the answer" :
           message.mode === "ended" ? "paused at its end" : "ready to play");
      text("notes-now", beat.text || "(no narration in this beat)");
      var following = beats[index + 1];
      text("notes-next", following ? (following.text ? firstSentence(following.text) : "(no narration)") :
           "(the end of the lesson)");
      text("notes-link", message.muted ? "The video's narration is off: you are the voice." : "The video speaks its narration.");
      document.documentElement.setAttribute("data-mode", message.mode);
      tick();
    });

    document.addEventListener("keydown", function (event) {
      var name = action(event);
      if (!name || name === "notes") return;
      event.preventDefault();
      if (name === "fullscreen") {
        if (document.fullscreenElement) document.exitFullscreen();
        else document.documentElement.requestFullscreen();
        return;
      }
      post({ type: "command", action: name });
    });
    setInterval(tick, 1000);
    tick();
    text("notes-now", "Waiting for the main window: open it, or press N there.");
    post({ type: "hello" });
    // The main window may open after this one: ask again until it answers.
    var asking = setInterval(function () {
      if (heard) clearInterval(asking); else post({ type: "hello" });
    }, 1000);
  }
})();
