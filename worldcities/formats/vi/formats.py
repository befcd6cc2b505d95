# Day, month, year; in full "14 tháng 3 năm 2017", in short 14/3/2017, the weekday first.
DATE_FORMAT = r"j \t\há\n\g n \nă\m Y"  # 14 tháng 3 năm 2017
DATETIME_FORMAT = "j/n/Y, H:i"  # 14/3/2017, 10:30
TIME_FORMAT = "H:i"  # 10:30
YEAR_MONTH_FORMAT = r"F \nă\m Y"  # Tháng 3 năm 2017
COMPACT_DATE_FORMAT = "j/n/Y"  # 14/3/2017
COMPACT_YEAR_MONTH_FORMAT = "n/Y"  # 3/2017
WEEKDAY_FORMAT = "D"  # Thứ 3
WEEKDAY_DATE_FORMAT = "D, j/n/Y"  # Thứ 3, 14/3/2017
WEEKDAY_DATETIME_FORMAT = "D, j/n/Y, H:i"  # Thứ 3, 14/3/2017, 10:30
