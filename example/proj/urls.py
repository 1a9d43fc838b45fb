from django.contrib import admin
from django.urls import path

from demoapp import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("widgets/", views.new_widget, name="new-widget"),
]
