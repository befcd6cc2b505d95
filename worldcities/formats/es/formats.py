# Months in lower case; "de" between day, month and year when written in full.
DATE_FORMAT = r"j \d\e F \d\e Y"  # 14 de marzo de 2017
DATETIME_FORMAT = "j b Y, H:i"  # 14 mar 2017, 10:30
TIME_FORMAT = "H:i"  # 10:30
YEAR_MONTH_FORMAT = r"F \d\e Y"  # marzo de 2017
COMPACT_DATE_FORMAT = "j b Y"  # 14 mar 2017
COMPACT_YEAR_MONTH_FORMAT = "b Y"  # mar 2017
WEEKDAY_FORMAT = "D"  # mar
WEEKDAY_DATE_FORMAT = "D, j b Y"  # mar, 14 mar 2017
WEEKDAY_DATETIME_FORMAT = "D, j b Y, H:i"  # mar, 14 mar 2017, 10:30
