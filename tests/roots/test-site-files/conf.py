extensions = ["myst_parser", "site_files"]
language_links_languages = {"en": "English", "ko": "한국어"}
site_files_offline_name = "guide-{language}"
templates_path = ["_templates"]
