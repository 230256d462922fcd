"""LaTeX maths to MathML, for the subset the exercise notebooks use, so feedback pages need no MathJax.

Browsers draw MathML themselves (Chromium since version 109, Firefox, Safari), offline.
Anything this converter does not know is shown as its LaTeX source in a <code> element.
"""
from __future__ import annotations

import html
import re

TOKEN = re.compile(r"\\[A-Za-z]+|\\.|[0-9]+(?:\.[0-9]+)?|\s+|.", re.S)
GREEK = {n: chr(c) for n, c in [
    ("alpha", 945), ("beta", 946), ("gamma", 947), ("delta", 948), ("epsilon", 1013), ("varepsilon", 949),
    ("zeta", 950), ("eta", 951), ("theta", 952), ("iota", 953), ("kappa", 954), ("lambda", 955), ("mu", 956),
    ("nu", 957), ("xi", 958), ("pi", 960), ("rho", 961), ("sigma", 963), ("tau", 964), ("phi", 966),
    ("varphi", 981), ("chi", 967), ("psi", 968), ("omega", 969), ("Gamma", 915), ("Delta", 916),
    ("Theta", 920), ("Lambda", 923), ("Pi", 928), ("Sigma", 931), ("Phi", 934), ("Omega", 937), ("ell", 8467),
    ("infty", 8734), ("nabla", 8711), ("partial", 8706), ("top", 8868)]}
OPERATORS = {"cdot": "·", "times": "×", "pm": "±", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠",
             "neq": "≠", "approx": "≈", "leftarrow": "←", "rightarrow": "→", "to": "→", "gets": "←", "in": "∈",
             "sum": "∑", "prod": "∏", "lVert": "‖", "rVert": "‖", "Vert": "‖", "lceil": "⌈", "rceil": "⌉",
             "lfloor": "⌊", "rfloor": "⌋", "ldots": "…", "cdots": "⋯", "dots": "…", "odot": "⊙", "oplus": "⊕",
             "mid": "∣", "vert": "|", "sim": "∼",
             "propto": "∝", "{": "{", "}": "}", "|": "‖", "langle": "⟨", "rangle": "⟩", "cup": "∪", "cap": "∩"}
FUNCTIONS = {"ln", "log", "exp", "max", "min", "sin", "cos", "tan", "arg", "argmax", "argmin", "det", "sup",
             "inf", "lim", "Pr"}
SPACES = {",": "0.17em", ";": "0.28em", ":": "0.22em", " ": "0.25em", "quad": "1em", "qquad": "2em", "!": "0"}
ACCENTS = {"bar": "¯", "hat": "^", "tilde": "~", "vec": "→", "dot": "˙"}
SIZES = {"big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr"}


class Unknown(ValueError):
    """LaTeX this converter does not handle."""


class Parser:
    """A recursive-descent reader of a token list into MathML strings."""

    def __init__(self, source: str):
        self.tokens = [t for t in TOKEN.findall(source)]
        self.at = 0

    def peek(self) -> str | None:
        """Return the next token that is not white space, without taking it."""
        while self.at < len(self.tokens) and self.tokens[self.at].isspace():
            self.at += 1
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> str:
        """Return the next token and move past it."""
        token = self.peek()
        if token is None:
            raise Unknown("unexpected end")
        self.at += 1
        return token

    def row(self, stop=()) -> str:
        """Return <mrow> of everything up to a token in `stop` (not taken) or the end."""
        parts = []
        while (token := self.peek()) is not None and token not in stop:
            parts.append(self.scripts(self.atom()))
        return "<mrow>" + "".join(parts) + "</mrow>"

    def scripts(self, base: str) -> str:
        """Return `base` with any _ and ^ that follow it."""
        sub = sup = None
        while self.peek() in ("_", "^", "'"):
            token = self.take()
            if token == "'":
                sup = (sup or "") + "<mo>′</mo>"
            elif token == "_":
                sub = self.argument()
            else:
                sup = (sup or "") + self.argument()
        if sub and sup:
            return f"<msubsup>{base}{sub}<mrow>{sup}</mrow></msubsup>"
        if sub:
            return f"<msub>{base}{sub}</msub>"
        return f"<msup>{base}<mrow>{sup}</mrow></msup>" if sup else base

    def argument(self) -> str:
        """Return one argument: a {group} or a single token (one digit of a number)."""
        if self.peek() == "{":
            self.take()
            inside = self.row(stop=("}",))
            self.take()
            return inside
        token = self.take()
        if token[0].isdigit() and len(token) > 1:
            self.tokens[self.at - 1: self.at] = [token[0], token[1:]]
            return f"<mn>{token[0]}</mn>"
        self.at -= 1
        return self.atom()

    def raw_group(self) -> str:
        """Return the text of a {group} as written (for \\text), with \\_ and friends unescaped."""
        if self.take() != "{":
            raise Unknown("expected {")
        depth, parts = 1, []
        while self.at < len(self.tokens):
            token = self.tokens[self.at]
            self.at += 1
            depth += (token == "{") - (token == "}")
            if depth == 0:
                return "".join(parts)
            parts.append(token[1:] if len(token) == 2 and token[0] == "\\" else token)
        raise Unknown("unclosed {")

    def atom(self) -> str:
        """Return the MathML of one token or construct."""
        token = self.take()
        if token == "{":
            inside = self.row(stop=("}",))
            self.take()
            return inside
        if token.startswith("\\"):
            return self.command(token[1:])
        if token[0].isdigit():
            return f"<mn>{token}</mn>"
        if token.isalpha():
            return f"<mi>{html.escape(token)}</mi>"
        if token in "}&":
            raise Unknown(f"unexpected {token}")
        return f"<mo>{html.escape(token)}</mo>"

    def command(self, name: str) -> str:
        """Return the MathML of \\name and its arguments."""
        if name in GREEK:
            return f"<mi>{GREEK[name]}</mi>"
        if name in OPERATORS:
            return f"<mo>{html.escape(OPERATORS[name])}</mo>"
        if name in FUNCTIONS:
            return f"<mi>{name}</mi><mo>&#x2061;</mo>"
        if name in SPACES:
            return f'<mspace width="{SPACES[name]}"/>'
        if name in ("frac", "tfrac", "dfrac"):
            return f"<mfrac>{self.argument()}{self.argument()}</mfrac>"
        if name == "sqrt":
            return f"<msqrt>{self.argument()}</msqrt>"
        if name in ("text", "textrm", "mathrm", "operatorname", "textit", "mbox"):
            text = html.escape(self.raw_group())
            if name.startswith("text") or name == "mbox":
                return f"<mtext>{text}</mtext>"
            return f'<mi mathvariant="normal">{text}</mi>'
        if name in ACCENTS:
            return f'<mover accent="true">{self.argument()}<mo>{ACCENTS[name]}</mo></mover>'
        if name == "underbrace":
            return f'<munder><munder>{self.argument()}<mo stretchy="true">⏟</mo></munder><mrow></mrow></munder>'
        if name == "mathcal":
            return f'<mstyle mathvariant="script">{self.argument()}</mstyle>'
        if name in ("mathbf", "boldsymbol"):
            return f'<mstyle mathvariant="bold">{self.argument()}</mstyle>'
        if name in SIZES:
            return self.atom()
        if name == "left":
            return self.fenced()
        if name == "begin":
            return self.environment()
        raise Unknown(f"\\{name}")

    def delimiter(self) -> str:
        """Return a \\left or \\right delimiter as <mo> ('.' is none)."""
        token = self.take()
        if token == ".":
            return ""
        symbol = OPERATORS.get(token[1:], token[1:]) if token.startswith("\\") else token
        return f'<mo stretchy="true">{html.escape(symbol)}</mo>'

    def fenced(self) -> str:
        """Return \\left X ... \\right Y as one row."""
        opening = self.delimiter()
        inside = self.row(stop=("\\right",))
        self.take()
        return f"<mrow>{opening}{inside}{self.delimiter()}</mrow>"

    def environment(self) -> str:
        """Return a cases, matrix or aligned environment as a table."""
        kind = self.raw_group()
        rows, cells = [], []
        while True:
            cells.append(self.row(stop=("&", "\\\\", "\\end")))
            token = self.take()
            if token == "&":
                continue
            rows.append("<mtr>" + "".join(f'<mtd columnalign="left">{c}</mtd>' for c in cells) + "</mtr>")
            cells = []
            if token == "\\end":
                self.raw_group()
                break
        table = f"<mtable>{''.join(rows)}</mtable>"
        fences = {"cases": ("{", ""), "pmatrix": ("(", ")"), "bmatrix": ("[", "]")}.get(kind, ("", ""))
        return "<mrow>" + "".join(f'<mo stretchy="true">{f}</mo>' if f else "" for f in fences[:1]) + table + \
            (f'<mo stretchy="true">{fences[1]}</mo>' if fences[1] else "") + "</mrow>"


def to_mathml(source: str, display: bool = False) -> str:
    """Return `source` (LaTeX, no $) as a <math> element; unknown LaTeX as <code>."""
    try:
        parser = Parser(source)
        body = parser.row()
    except (Unknown, IndexError, RecursionError):
        return f'<code class="tex">{html.escape(source.strip())}</code>'
    mode = ' display="block"' if display else ""
    return f'<math xmlns="http://www.w3.org/1998/Math/MathML"{mode}>{body}</math>'
