extensions = ["myst_parser", "language_links"]
language_links_languages = {"en": "English", "ko": "한국어"}
