from django.shortcuts import render


def signup(request):
    # Placeholder until the newsletter issue lands: it explains, stores nothing.
    return render(request, "newsletter/signup.html")
