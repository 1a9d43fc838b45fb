extensions = ["myst_parser", "page_source"]
language = "ko"
locale_dirs = ["locale"]
page_source_repository = "https://github.com/owner/repo/"
