extensions = ["sphinx_copybutton", "interface_strings"]
language = "ko"
locale_dirs = ["locale"]
templates_path = ["_templates"]
