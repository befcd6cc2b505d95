"""The admin's pairing form as a browser posts it."""


def management(prefix, total=0) -> dict:
    """An inline formset's management form."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def new_pairing_form(edition, eu_city, partner_city, **extra) -> dict:
    data = {
        "edition": edition.pk,
        "slug": "gwangju-tampere",
        "eu_lead": eu_city.pk if eu_city else "",
        "partner_lead": partner_city.pk if partner_city else "",
        "new_status": "proposed",
        "status_note": "",
        "topics_note": "",
        "objectives": "Smart mobility",
        "mou_signed_on": "",
        **management("members"),
        **management("actions"),
        **management("status_changes"),
    }
    data.update(extra)
    return data
