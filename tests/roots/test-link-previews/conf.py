project = "Guide"
extensions = ["myst_parser", "language_links", "link_previews", "page_description"]
language_links_languages = {"en": "English", "ko": "한국어"}
link_previews_locales = {"en": "en_US", "ko": "ko_KR"}
