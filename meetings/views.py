from django.shortcuts import render


def meeting_list(request):
    return render(request, "meetings/meeting_list.html", {"meetings": []})
