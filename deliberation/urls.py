from django.urls import path

app_name = "deliberation"
urlpatterns: list = []
