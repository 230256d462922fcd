/* Self-checks on the course's website: each saved fallback (course/quiz.py, _SelfCheck.html())
   becomes a working question without a kernel. Single choice gets radio buttons, multiple
   choice checkboxes, numeric a text box read by the same rules as course/bank.py's
   parse_number. The verdict says Correct / Not yet in words and symbols, inside an ARIA live
   region, with the same per-choice explanations as in JupyterLab. Nothing is recorded.
   Plain script, no libraries, no requests. */
(function () {
  "use strict";

  // course/feedback.py's _LOOK: symbol, label, text colour, background (the site build checks they agree)
  var LOOK = {
    correct: ["\u2714", "Correct", "#1b5e20", "#e8f5e9"],
    incorrect: ["\u2718", "Not yet", "#b71c1c", "#fdecea"],
    not_attempted: ["\u25cb", "Not attempted yet", "#424242", "#f1f3f4"]
  };
  var LETTERS = "ABCDEFGHIJ";

  // ---- numbers: a port of course/bank.py's parse_number and within --------------------------

  function pyRepr(text) {
    // Python's repr of a str, as the notebook's message shows it (enough for learners' input)
    var quote = text.indexOf("'") >= 0 && text.indexOf('"') < 0 ? '"' : "'";
    var body = text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\t/g, "\\t");
    if (quote === "'") body = body.replace(/'/g, "\\'");
    return quote + body + quote;
  }

  function NumberError(message) { this.message = message; }

  // Arithmetic as Python's grammar reads it: numbers, + - * / ** and parentheses, nothing else.
  // Every number is a float; ** binds tighter than a sign on its left and is right-associative.
  function evaluate(source) {
    var at = 0;
    function fail() { throw new NumberError("not arithmetic"); }
    function peek(s) { return source.substr(at, s.length) === s; }
    function number() {
      var m = /^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(source.slice(at));
      if (!m) fail();
      var token = m[0];
      at += token.length;
      // Python refuses 1.2.3, 1e5e5, 2e and leading zeros in an integer (007), but takes 007.5 and 00
      if (at < source.length && /[0-9.eE]/.test(source[at])) fail();
      if (/^[0-9]+$/.test(token) && /^0+[1-9]/.test(token)) fail();
      return parseFloat(token);
    }
    function atom() {
      if (peek("(")) {
        at += 1;
        var value = expression();
        if (!peek(")")) fail();
        at += 1;
        return value;
      }
      return number();
    }
    function power() {
      var base = atom();
      if (peek("**")) {
        at += 2;
        var exponent = factor();
        if (Math.abs(exponent) > 1000) fail();                    // "exponent too large"
        if (base === 0 && exponent < 0) fail();                    // ZeroDivisionError
        var value = Math.pow(base, exponent);
        if (!isFinite(value) && isFinite(base) && isFinite(exponent) && !isNaN(value)) fail();  // OverflowError
        return value;                                              // a negative base to a fraction: NaN (Python: complex)
      }
      return base;
    }
    function factor() {
      if (peek("-")) { at += 1; return -factor(); }
      if (peek("+")) { at += 1; return +factor(); }
      return power();
    }
    function term() {
      var value = factor();
      while (peek("*") && !peek("**") || peek("/")) {
        var op = source[at];
        at += 1;
        var right = factor();
        if (op === "/" && right === 0) fail();                     // ZeroDivisionError
        value = op === "*" ? value * right : value / right;
      }
      return value;
    }
    function expression() {
      var value = term();
      while (peek("+") || peek("-")) {
        var op = source[at];
        at += 1;
        var right = term();
        value = op === "+" ? value + right : value - right;
      }
      return value;
    }
    var result = expression();
    if (at !== source.length) fail();
    return result;
  }

  var THOUSANDS = /^[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?$/;
  var SPECIAL = ["nan", "inf", "-inf", "+inf", "infinity"];

  function parseNumber(text) {
    var cleaned = text.trim().replace(/\u2212/g, "-").replace(/\u00d7/g, "*").replace(/\u00b7/g, "*")
      .replace(/\u00f7/g, "/").replace(/ /g, "");
    var scale = 1.0;
    if (cleaned.slice(-1) === "%") { cleaned = cleaned.slice(0, -1); scale = 0.01; }
    if (cleaned.indexOf(",") >= 0) {
      var parts = cleaned.match(/[0-9,.]*,[0-9,.]*/g) || [];
      if (!parts.every(function (part) { return THOUSANDS.test(part); })) {
        throw new NumberError("I could not read " + pyRepr(text) + ": use a point for decimals, like 0.25 (a " +
                              "comma only between thousands, like 19,220)");
      }
      cleaned = cleaned.replace(/,/g, "");
    }
    var unreadable = "I could not read " + pyRepr(text) + " as a number: try 0.25, 25%, 1/4 or arithmetic like 0.9/0.19";
    var special = SPECIAL.indexOf(cleaned.toLowerCase()) >= 0;
    if (cleaned.length > 100 || (!/^[0-9.eE+\-*/()]+$/.test(cleaned || "?") && !special)) {
      throw new NumberError(unreadable);
    }
    var value;
    if (special) {
      value = cleaned.toLowerCase() === "nan" ? NaN : (cleaned[0] === "-" ? -Infinity : Infinity);
    } else {
      try { value = evaluate(cleaned); } catch (e) {
        if (e instanceof NumberError) throw new NumberError(unreadable);
        throw e;
      }
    }
    if (!isFinite(value)) throw new NumberError(pyRepr(text) + " is not a finite number");
    return value * scale;
  }

  function within(value, target, tolerance) {
    return Math.abs(value - target) <= tolerance + 1e-9 * Math.max(1.0, Math.abs(target));
  }

  // Python's format(value, "g"): six significant digits, trailing zeros dropped, e+06 style exponents
  function formatG(value) {
    if (value === 0) return (1 / value < 0) ? "-0" : "0";
    var parts = value.toExponential(5).split("e");
    var exponent = parseInt(parts[1], 10);   // after rounding to six digits, as Python decides
    if (exponent < -4 || exponent >= 6) {
      var mantissa = parts[0].indexOf(".") >= 0 ? parts[0].replace(/0+$/, "").replace(/\.$/, "") : parts[0];
      return mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
    }
    var fixed = value.toFixed(Math.max(0, 5 - exponent));
    return fixed.indexOf(".") >= 0 ? fixed.replace(/0+$/, "").replace(/\.$/, "") : fixed;
  }

  // ---- verdicts: the same words as course/quiz.py's evaluate ---------------------------------

  function note(choices, i) {
    return LETTERS[i] + " is " + (choices[i].correct ? "right" : "not right") + ": " + choices[i].explain;
  }

  function judgeChoices(data, picked) {
    var choices = data.choices;
    if (picked.length === 0) return ["not_attempted", ["Choose an answer first, then press Check."]];
    var right = [];
    choices.forEach(function (c, i) { if (c.correct) right.push(i); });
    var notes = picked.map(function (i) { return note(choices, i); });
    var same = picked.length === right.length && picked.every(function (i) { return right.indexOf(i) >= 0; });
    if (same) {
      choices.forEach(function (c, i) { if (picked.indexOf(i) < 0) notes.push(note(choices, i)); });
      return ["correct", notes];
    }
    var missing = right.filter(function (i) { return picked.indexOf(i) < 0; }).length;
    if (data.kind === "multiple" && missing) notes.push(missing + " right choice(s) not ticked yet.");
    return ["incorrect", notes.concat(["Try again."])];
  }

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function judgeNumber(data, typed) {
    if (!typed.trim()) return ["not_attempted", ["Type a number first, then press Check."]];
    var value;
    try { value = parseNumber(typed); } catch (e) {
      if (e instanceof NumberError) return ["not_attempted", [escapeHtml(e.message)]];
      throw e;
    }
    if (within(value, data.answer, data.tolerance)) return ["correct", [data.explain]];
    for (var k = 0; k < data.mistakes.length; k++) {
      var m = data.mistakes[k];
      if (within(value, m.value, m.tolerance)) return ["incorrect", [m.explain, "Try again."]];
    }
    return ["incorrect", [formatG(value) + " is " + (value > data.answer ? "too high" : "too low") + ". Try again."]];
  }

  // The same markup as course/feedback.py's Feedback.html(); parts are HTML already (markup()'d).
  function verdictHtml(status, parts) {
    var look = LOOK[status];
    return '<div class="course-feedback course-' + status + '" style="color:' + look[2] + ";background:" +
      look[3] + ";border-left:4px solid " + look[2] + ';padding:6px 10px;margin:4px 0"><b>' + look[0] + " " +
      look[1] + "</b><div>" + parts.join("<br>") + "</div></div>";
  }

  // ---- the page: one form per self-check ------------------------------------------------------

  var count = 0;

  function enhance(quiz) {
    var data;
    try { data = JSON.parse(quiz.getAttribute("data-course-quiz")); } catch (e) { return; }
    count += 1;
    var prefix = "course-quiz-" + count;
    var form = document.createElement("form");
    form.className = "course-quiz-form";
    form.setAttribute("data-question", data.id);
    form.setAttribute("novalidate", "");
    var fieldset = document.createElement("fieldset");
    var legend = document.createElement("legend");
    legend.textContent = "Your answer";
    fieldset.appendChild(legend);
    var inputs = [];
    if (data.kind === "numeric") {
      var label = document.createElement("label");
      label.setAttribute("for", prefix + "-number");
      label.textContent = "Your number: ";
      var box = document.createElement("input");
      box.type = "text";
      box.id = prefix + "-number";
      box.setAttribute("inputmode", "decimal");
      box.setAttribute("autocomplete", "off");
      box.placeholder = "a number: 0.25, 25% or 1/4";
      fieldset.appendChild(label);
      fieldset.appendChild(box);
      inputs.push(box);
    } else {
      data.choices.forEach(function (choice, i) {
        var row = document.createElement("div");
        row.className = "course-quiz-choice";
        var input = document.createElement("input");
        input.type = data.kind === "single" ? "radio" : "checkbox";
        input.name = prefix;
        input.id = prefix + "-" + i;
        input.value = String(i);
        var label = document.createElement("label");
        label.setAttribute("for", input.id);
        label.innerHTML = "<b>" + LETTERS[i] + ".</b> " + choice.html;
        row.appendChild(input);
        row.appendChild(label);
        fieldset.appendChild(row);
        inputs.push(input);
      });
    }
    form.appendChild(fieldset);
    var button = document.createElement("button");
    button.type = "submit";
    button.className = "course-quiz-check";
    button.textContent = "Check";
    form.appendChild(button);
    var feedback = document.createElement("div");
    feedback.className = "course-live";
    feedback.setAttribute("role", "status");
    feedback.setAttribute("aria-live", "polite");
    feedback.setAttribute("aria-atomic", "true");
    form.appendChild(feedback);
    var notice = document.createElement("p");
    notice.className = "course-quiz-notice";
    notice.textContent = "On this website your answers are checked but not saved: run the notebook to keep " +
      "your progress.";
    form.appendChild(notice);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var verdict;
      if (data.kind === "numeric") {
        verdict = judgeNumber(data, inputs[0].value);
      } else {
        var picked = [];
        inputs.forEach(function (input, i) { if (input.checked) picked.push(i); });
        verdict = judgeChoices(data, picked);
      }
      feedback.innerHTML = verdictHtml(verdict[0], verdict[1]);
    });
    // the form takes the place of the static list of choices and of "how to answer from code"
    var listing = quiz.querySelector(".course-quiz-choices");
    quiz.insertBefore(form, listing ? listing.nextSibling : quiz.querySelector("details"));
    if (listing) listing.hidden = true;
    var how = quiz.querySelector(".course-quiz-how");
    if (how) how.hidden = true;
    quiz.classList.add("course-quiz-live");
  }

  function enhanceAll() {
    var quizzes = document.querySelectorAll(".course-quiz[data-course-quiz]");
    for (var i = 0; i < quizzes.length; i++) enhance(quizzes[i]);
  }

  // for the tests, which compare the port with course/bank.py on a table of inputs
  window.courseSelfCheck = {parseNumber: parseNumber, within: within, formatG: formatG,
                            judgeNumber: judgeNumber, judgeChoices: judgeChoices, LOOK: LOOK};

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAll);
  } else {
    enhanceAll();
  }
})();
