extensions = ["myst_parser", "offline_copies"]
templates_path = ["_templates"]
html_sidebars = {"**": ["localtoc.html", "sidebar/search.html", "language-switcher.html"]}
