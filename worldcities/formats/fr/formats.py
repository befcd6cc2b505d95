# Abbreviated weekdays take a full stop; months are written in full.
DATE_FORMAT = "j F Y"  # 14 mars 2017
DATETIME_FORMAT = "j F Y à H:i"  # 14 mars 2017 à 10:30
TIME_FORMAT = "H:i"  # 10:30
YEAR_MONTH_FORMAT = "F Y"  # mars 2017
COMPACT_DATE_FORMAT = "j F Y"  # 14 mars 2017
COMPACT_YEAR_MONTH_FORMAT = "F Y"  # mars 2017
WEEKDAY_FORMAT = "D."  # mar.
WEEKDAY_DATE_FORMAT = "D. j F Y"  # mar. 14 mars 2017
WEEKDAY_DATETIME_FORMAT = "D. j F Y à H:i"  # mar. 14 mars 2017 à 10:30
