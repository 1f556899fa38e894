// lessonreel studio: the outline of a lesson, a player of one scene's latest low-quality
// render with its narration and captions, and a timeline under it (beats, words, marks,
// layout findings). It asks the studio for its state a few times a second; a new render
// of the scene on screen is loaded in place, at the beat that was on screen.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("studio-data").textContent);
  var fps = data.fps;
  var video = document.getElementById("player");
  var timeline = document.getElementById("timeline");
  var state = null;       // the studio's last answer
  var scene = null;       // the scene chosen on this page
  var shown = null;       // the view (one render of `scene`) the player holds
  var outlineKey = "";
  var api = {loads: 0, polls: 0, lastSeek: null};
  window.lessonreelStudio = api;
  api.state = function () { return state; };
  api.shown = function () { return shown; };
  api.frame = function () { return currentFrame(); };
  api.seekFrame = function (frame) { seekFrame(frame); };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function text(id, value) { document.getElementById(id).textContent = value; }
  function percent(value, whole) { return (100 * Math.max(0, Math.min(1, value / whole))) + "%"; }

  // --- frames -------------------------------------------------------------------
  function currentFrame() {
    if (!shown) return 0;
    return Math.max(0, Math.min(shown.frames - 1, Math.floor(video.currentTime * fps + 1e-3)));
  }
  function seekFrame(frame) {
    if (!shown) return;
    frame = Math.max(0, Math.min(shown.frames - 1, Math.round(frame)));
    api.lastSeek = frame;
    // The middle of the frame: never the edge where a rounding shows the one before.
    video.currentTime = (frame + 0.5) / fps;
    update();
  }
  function beatAt(frame) {
    if (!shown) return null;
    for (var i = 0; i < shown.beats.length; i++) {
      if (frame < shown.beats[i].end_frame) return i;
    }
    return shown.beats.length - 1;
  }
  function step(frames) { video.pause(); seekFrame(currentFrame() + frames); }
  function stepBeat(direction) {
    if (!shown) return;
    video.pause();
    var index = beatAt(currentFrame());
    var beat = shown.beats[index];
    if (direction < 0) {
      index = currentFrame() > beat.first_frame ? index : Math.max(0, index - 1);
    } else {
      index = Math.min(shown.beats.length - 1, index + 1);
    }
    seekFrame(shown.beats[index].first_frame);
  }

  // --- the readout, the playhead ------------------------------------------------
  function update() {
    if (!shown) return;
    var frame = currentFrame();
    text("frame", "frame " + frame + " / " + (shown.frames - 1));
    text("time", video.currentTime.toFixed(3) + " s");
    var beat = shown.beats[beatAt(frame)];
    text("beat-now", beat ? "beat: " + beat.name : "");
    var said = "";
    var now = video.currentTime;
    shown.words.forEach(function (word) { if (word.start <= now + 1e-3 && now < word.end) said = word.word; });
    text("word-now", said ? "“" + said + "”" : "");
    document.getElementById("playhead").style.left = percent((frame + 0.5) / fps, shown.duration);
    document.querySelectorAll(".lane-beats .beat").forEach(function (block, i) {
      block.classList.toggle("current", i === beatAt(frame));
    });
    document.getElementById("play").textContent = video.paused ? "▶ play" : "⏸ pause";
  }
  function tick() {
    update();
    if (!video.paused && video.requestVideoFrameCallback) video.requestVideoFrameCallback(tick);
  }
  video.addEventListener("play", function () {
    if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(tick);
    update();
  });
  ["pause", "seeked", "timeupdate", "loadeddata"].forEach(function (name) {
    video.addEventListener(name, update);
  });

  // --- the timeline ---------------------------------------------------------------
  function drawTimeline(view) {
    var beats = document.getElementById("lane-beats");
    var words = document.getElementById("lane-words");
    var marks = document.getElementById("lane-marks");
    var findings = document.getElementById("lane-findings");
    [beats, words, marks, findings].forEach(function (lane) { lane.textContent = ""; });
    view.beats.forEach(function (beat) {
      var block = el("div", "beat", beat.name);
      block.dataset.name = beat.name;
      block.dataset.firstFrame = beat.first_frame;
      block.dataset.endFrame = beat.end_frame;
      block.title = beat.name + ": " + beat.text;
      block.style.left = percent(beat.first_frame, view.frames);
      block.style.width = percent(beat.end_frame - beat.first_frame, view.frames);
      beats.appendChild(block);
    });
    view.words.forEach(function (word) {
      var mark = el("span", "word");
      mark.dataset.start = word.start;
      mark.dataset.beat = word.beat;
      mark.dataset.word = word.word;
      mark.title = word.word + " (" + word.start.toFixed(2) + " s)";
      mark.style.left = percent(word.start, view.duration);
      words.appendChild(mark);
    });
    view.marks.forEach(function (flag) {
      var node = el("span", "mark", "⚑ " + flag.name);
      node.dataset.name = flag.name;
      node.dataset.at = flag.at;
      node.title = "mark " + flag.name + " in beat " + flag.beat + " at " + flag.at.toFixed(2) + " s";
      node.style.left = percent(flag.at, view.duration);
      marks.appendChild(node);
    });
    // Marks close together take rows of their own, so every name reads.
    var rows = [];
    Array.prototype.forEach.call(marks.children, function (node) {
      var left = node.offsetLeft;
      var row = 0;
      while (rows[row] !== undefined && rows[row] > left) row += 1;
      rows[row] = left + node.offsetWidth + 6;
      node.style.top = (2 + 16 * row) + "px";
    });
    marks.style.height = (4 + 16 * Math.max(1, rows.length)) + "px";
    var list = document.getElementById("findings-list");
    list.textContent = "";
    view.findings.forEach(function (finding) {
      var flag = el("button", "finding " + finding.kind, "!");
      flag.type = "button";
      flag.dataset.frame = finding.frame;
      flag.dataset.beat = finding.beat;
      flag.dataset.kind = finding.kind;
      flag.title = finding.message;
      flag.style.left = percent((finding.frame + 0.5) / fps, view.duration);
      flag.addEventListener("click", function (event) {
        event.stopPropagation();
        video.pause();
        seekFrame(finding.frame);
      });
      findings.appendChild(flag);
      var item = el("li");
      var button = el("button", "finding-link " + finding.kind);
      button.type = "button";
      button.dataset.frame = finding.frame;
      button.appendChild(el("span", "finding-kind", finding.kind));
      button.appendChild(el("span", "finding-at", "frame " + finding.frame));
      button.appendChild(el("span", "finding-text", finding.message));
      button.addEventListener("click", function () { video.pause(); seekFrame(finding.frame); });
      item.appendChild(button);
      list.appendChild(item);
    });
    text("findings-count", view.findings.length ? "(" + view.findings.length + ")" : "(nothing found)");
  }

  var scrubbing = false;
  function scrubTo(event) {
    if (!shown) return;
    var box = timeline.getBoundingClientRect();
    var share = Math.max(0, Math.min(1, (event.clientX - box.left) / box.width));
    seekFrame(Math.floor(share * shown.frames));
  }
  timeline.addEventListener("pointerdown", function (event) {
    if (event.target.classList.contains("finding")) return;
    scrubbing = true;
    video.pause();
    if (timeline.setPointerCapture) timeline.setPointerCapture(event.pointerId);
    scrubTo(event);
  });
  timeline.addEventListener("pointermove", function (event) { if (scrubbing) scrubTo(event); });
  timeline.addEventListener("pointerup", function () { scrubbing = false; });
  timeline.addEventListener("pointercancel", function () { scrubbing = false; });

  // --- loading a render -----------------------------------------------------------
  function load(view) {
    var at = null;
    if (shown && shown.scene === view.scene && shown.beats.length) {
      // The same beat, as far into it as we were (the beat may be shorter now).
      var beat = shown.beats[beatAt(currentFrame())];
      at = {name: beat.name, into: currentFrame() - beat.first_frame};
    }
    var wasPlaying = !video.paused;
    shown = view;
    document.getElementById("empty").hidden = true;
    drawTimeline(view);
    Array.prototype.slice.call(video.querySelectorAll("track")).forEach(function (old) { old.remove(); });
    video.src = view.video;
    if (view.captions) {
      var track = document.createElement("track");
      track.kind = "captions";
      track.srclang = "en";
      track.label = "English";
      track.src = view.captions;
      track.default = true;
      video.appendChild(track);
    }
    video.addEventListener("loadedmetadata", function placed() {
      video.removeEventListener("loadedmetadata", placed);
      var frame = 0;
      if (at) {
        var found = view.beats.filter(function (b) { return b.name === at.name; })[0];
        if (found) frame = Math.min(found.first_frame + at.into, found.end_frame - 1);
      }
      Array.prototype.forEach.call(video.textTracks, function (t) { t.mode = "showing"; });
      seekFrame(frame);
      api.loads += 1;
      api.loadedVersion = view.version;
      if (wasPlaying) video.play();
    });
    video.load();
  }

  // --- the outline ----------------------------------------------------------------
  function drawOutline() {
    var key = JSON.stringify(state.outline) + "|" + scene;
    if (key === outlineKey) return;
    outlineKey = key;
    var list = document.getElementById("outline-list");
    list.textContent = "";
    state.outline.forEach(function (entry, index) {
      var item = el("li", entry.name === scene ? "scene chosen" : "scene");
      item.dataset.scene = entry.name;
      var button = el("button", "scene-button");
      button.type = "button";
      button.appendChild(el("span", "scene-number", (index + 1) + "."));
      button.appendChild(el("span", "scene-title", entry.title));
      button.appendChild(el("span", "scene-name", entry.name));
      button.addEventListener("click", function () { choose(entry.name); });
      item.appendChild(button);
      var beats = el("ol", "beats");
      entry.beats.forEach(function (name) {
        var beat = el("li", "beat-item");
        var link = el("button", "beat-button", name);
        link.type = "button";
        link.dataset.beat = name;
        link.addEventListener("click", function () {
          if (scene !== entry.name) { choose(entry.name); return; }
          var found = shown && shown.beats.filter(function (b) { return b.name === name; })[0];
          if (found) { video.pause(); seekFrame(found.first_frame); }
        });
        beat.appendChild(link);
        beats.appendChild(beat);
      });
      item.appendChild(beats);
      list.appendChild(item);
    });
  }

  // --- the studio's state ---------------------------------------------------------
  function describe(entry) {
    var line = [];
    if (state.rendering === scene) {
      var p = state.progress;
      line.push("rendering " + scene + (p && p.expected ? " (" + p.frames + " of ~" + p.expected + " frames)" : "") + "…");
    } else if (state.waiting.indexOf(scene) >= 0) {
      line.push("queued: " + scene);
    }
    if (entry && entry.version) {
      var drawn = entry.drawn === null ? "from the cache" :
        entry.drawn + " of " + entry.view.beats.length + " beats drawn";
      var took = entry.phases ? Object.keys(entry.phases).reduce(function (s, k) { return s + entry.phases[k]; }, 0) : 0;
      line.push("render " + entry.version + " ready (" + drawn + ", " + took.toFixed(1) + " s)");
    }
    if (entry && entry.error) line.push("the last render failed");
    return line.join(" · ") || "waiting for the first render…";
  }

  function apply(answer) {
    state = answer;
    api.polls += 1;
    if (!scene) return;
    drawOutline();
    var entry = state.scenes[scene];
    text("status", describe(entry));
    var error = entry && entry.error;
    document.getElementById("error").hidden = !error;
    if (error) {
      text("error-message", error.message || "");
      var where = document.getElementById("error-where");
      where.textContent = error.where || "";
      where.hidden = !error.where;
      text("error-code", error.code || "");
      document.getElementById("error-code").hidden = !error.code;
    }
    if (entry && entry.view && (!shown || shown.scene !== scene || shown.version !== entry.view.version)) {
      load(entry.view);
    }
  }

  function poll() {
    fetch("state.json", {cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(apply)
      .catch(function () { text("status", "the studio is not running (start lessonreel studio again)"); })
      .then(function () { setTimeout(poll, 250); });
  }

  function choose(name) {
    scene = name;
    if (window.location.hash !== "#" + name) history.replaceState(null, "", "#" + name);
    if (shown && shown.scene !== name) {
      shown = null;
      video.removeAttribute("src");
      video.load();
      document.getElementById("empty").hidden = false;
      ["lane-beats", "lane-words", "lane-marks", "lane-findings", "findings-list"].forEach(function (id) {
        document.getElementById(id).textContent = "";
      });
    }
    fetch("scenes/" + encodeURIComponent(name) + ".json", {cache: "no-store"})
      .then(function (response) {
        if (!response.ok) throw new Error("no scene " + name);
        return response.json();
      })
      .then(apply)
      .catch(function () { if (name !== data.first) choose(data.first); });
  }

  // --- keys, buttons ----------------------------------------------------------------
  document.getElementById("play").addEventListener("click", function () { if (video.paused) video.play(); else video.pause(); });
  document.getElementById("prev-frame").addEventListener("click", function () { step(-1); });
  document.getElementById("next-frame").addEventListener("click", function () { step(1); });
  document.getElementById("prev-beat").addEventListener("click", function () { stepBeat(-1); });
  document.getElementById("next-beat").addEventListener("click", function () { stepBeat(1); });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target && /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName)) return;
    var handled = true;
    switch (event.key) {
      case " ": case "Spacebar": case "k": if (video.paused) video.play(); else video.pause(); break;
      case "ArrowLeft": case ",": if (event.shiftKey) stepBeat(-1); else step(-1); break;
      case "ArrowRight": case ".": if (event.shiftKey) stepBeat(1); else step(1); break;
      case "Home": video.pause(); seekFrame(0); break;
      case "End": video.pause(); if (shown) seekFrame(shown.frames - 1); break;
      case "c": case "C":
        Array.prototype.forEach.call(video.textTracks, function (t) { t.mode = t.mode === "showing" ? "hidden" : "showing"; });
        break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  });

  var wanted = decodeURIComponent(window.location.hash.slice(1));
  choose(wanted || data.first);
  poll();
})();
