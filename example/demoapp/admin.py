from django.contrib import admin

from .models import Widget

admin.site.register(Widget)
