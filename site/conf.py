"""Sphinx configuration of the course's website (`course site`, course/instructor/site.py).

The pages come from the committed, executed notebooks: nothing is executed here. The site
works offline, from file:// or any static host: the theme bundles its fonts and scripts,
MathJax 2.7.9 is copied into _static/mathjax from the jupyter-server-mathjax package (Apache
2.0), widgets' CDN scripts are not loaded, and the search index is a local file.
"""
project = "What Is an AI Researcher?"
author = "the course's authors"
copyright = "the course's authors (MIT licence)"

extensions = ["myst_nb", "sphinx.ext.mathjax"]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", ".doctrees", "**.ipynb_checkpoints"]
templates_path = ["_templates"]
root_doc = "index"

# --- notebooks: shown as committed, never run ------------------------------------------------
nb_execution_mode = "off"
nb_ipywidgets_js = {}                 # no require.js or widget manager from a CDN
nb_output_stderr = "show"
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3              # docs/glossary.md#gradient-descent and the like
myst_dmath_double_inline = True
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type"]

# --- mathematics: a local MathJax 2 (see course/instructor/site.py, which copies it) -------------
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
mathjax2_config = {
    "tex2jax": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]], "processRefs": False,
                "processEnvironments": False, "processClass": "math|output_area|tex2jax_process",
                "ignoreClass": "tex2jax_ignore"},
    # the package ships the STIX-Web fonts only (as classic Jupyter used it): never look for the TeX ones
    # and the font MathJax measures against is looked for locally, not at url('about:blank'), which
    # Chromium refuses with a console error
    "HTML-CSS": {"availableFonts": [], "webFont": "STIX-Web", "imageFont": None, "preferredFont": None,
                 "linebreaks": {"automatic": True},
                 "styles": {"@font-face": {"font-family": "MathJax_Blank", "src": "local('MathJax_Blank')"}}},
    "SVG": {"font": "STIX-Web"},
    # HTML-CSS output everywhere; the native-MathML output's styles, loaded all the same, would ask for
    # the TeX fonts of script and fraktur letters (not shipped): local fonts only
    "MMLorHTML": {"prefer": {"MSIE": "HTML", "Firefox": "HTML", "Safari": "HTML", "Chrome": "HTML", "Opera": "HTML",
                             "other": "HTML"}},
    "NativeMML": {"styles": {f"@font-face /*{i}*/": {"font-family": f"MathJax_{name}-WEB", "src": f"local('MathJax_{name}')"}
                             for i, name in enumerate(["Caligraphic", "Caligraphic", "AMS", "Script", "Fraktur",
                                                       "Fraktur"], start=1)}},
    # the quick preview draws with the TeX fonts, which the package does not ship: typeset directly
    "fast-preview": {"disabled": True},
    "menuSettings": {"zoom": "None"},
    "MathMenu": {"showLocale": False},
    "showMathMenu": False,
}

# --- the look: sphinx-book-theme, everything bundled -------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "What Is an AI Researcher?"
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_js_files = ["selfcheck.js"]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None          # no dates: the same sources give the same pages
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "show_prev_next": True,
    "search_bar_text": "Search the course...",
    "navigation_with_keys": False,
}
html_context = {"default_mode": "light"}   # one look (the colours of the feedback are set for it)


def copy_mathjax(app, exception):
    """Put MathJax 2.7.9 (Apache 2.0, from the jupyter-server-mathjax package) into _static/mathjax."""
    if exception is not None or app.builder.format != "html":
        return
    import shutil
    from pathlib import Path

    import jupyter_server_mathjax

    source = Path(jupyter_server_mathjax.__file__).parent / "static"
    shutil.copytree(source, Path(app.outdir) / "_static" / "mathjax", dirs_exist_ok=True)


def setup(app):
    app.connect("build-finished", copy_mathjax)
