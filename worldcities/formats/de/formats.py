# The day is an ordinal ("14."), abbreviated weekdays take a full stop.
DATE_FORMAT = "j. F Y"  # 14. März 2017
DATETIME_FORMAT = "j. F Y, H:i"  # 14. März 2017, 10:30
TIME_FORMAT = "H:i"  # 10:30
YEAR_MONTH_FORMAT = "F Y"  # März 2017
COMPACT_DATE_FORMAT = "d.m.Y"  # 14.03.2017
COMPACT_YEAR_MONTH_FORMAT = "F Y"  # März 2017
WEEKDAY_FORMAT = "D."  # Di.
WEEKDAY_DATE_FORMAT = "D., j. F Y"  # Di., 14. März 2017
WEEKDAY_DATETIME_FORMAT = "D., j. F Y, H:i"  # Di., 14. März 2017, 10:30
