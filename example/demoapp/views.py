# [start-new-widget-view]
from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from demoapp.models import Widget
from demoapp.tasks import announce_widget


@require_POST
@transaction.atomic
def new_widget(request):
    widget = Widget.objects.create(name=request.POST["name"])
    # Sent when the transaction commits, so the worker finds the row.
    # Nothing is sent if the view fails and the transaction rolls back.
    announce_widget.delay_on_commit(widget.id)
    return JsonResponse({"id": widget.id}, status=201)
# [end-new-widget-view]
