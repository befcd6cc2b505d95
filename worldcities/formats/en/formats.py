# English as it is written in the European Union: the day before the month, 24-hour clock.
DATE_FORMAT = "j F Y"  # 14 March 2017
DATETIME_FORMAT = "j M Y, H:i"  # 14 Mar 2017, 10:30
TIME_FORMAT = "H:i"  # 10:30
YEAR_MONTH_FORMAT = "F Y"  # March 2017
COMPACT_DATE_FORMAT = "j M Y"  # 14 Mar 2017
COMPACT_YEAR_MONTH_FORMAT = "M Y"  # Mar 2017
WEEKDAY_FORMAT = "D"  # Tue
WEEKDAY_DATE_FORMAT = "D j M Y"  # Tue 14 Mar 2017
WEEKDAY_DATETIME_FORMAT = "D j M Y, H:i"  # Tue 14 Mar 2017, 10:30
