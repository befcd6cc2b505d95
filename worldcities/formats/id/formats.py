# Months in full or by three letters; hours and minutes are parted by a full stop.
DATE_FORMAT = "j F Y"  # 14 Maret 2017
DATETIME_FORMAT = "j M Y, H.i"  # 14 Mar 2017, 10.30
TIME_FORMAT = "H.i"  # 10.30
YEAR_MONTH_FORMAT = "F Y"  # Maret 2017
COMPACT_DATE_FORMAT = "j M Y"  # 14 Mar 2017
COMPACT_YEAR_MONTH_FORMAT = "M Y"  # Mar 2017
WEEKDAY_FORMAT = "D"  # Sel
WEEKDAY_DATE_FORMAT = "D, j M Y"  # Sel, 14 Mar 2017
WEEKDAY_DATETIME_FORMAT = "D, j M Y, H.i"  # Sel, 14 Mar 2017, 10.30
