from django.shortcuts import render


def practice_list(request):
    return render(request, "practices/practice_list.html", {"practices": []})
