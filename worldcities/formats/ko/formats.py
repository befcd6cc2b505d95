# Year, month, day, then the weekday's one syllable in brackets: 2017년 3월 14일 (화).
DATE_FORMAT = "Y년 n월 j일"  # 2017년 3월 14일
DATETIME_FORMAT = "Y년 n월 j일 H:i"  # 2017년 3월 14일 10:30
TIME_FORMAT = "H:i"  # 10:30
YEAR_MONTH_FORMAT = "Y년 n월"  # 2017년 3월
COMPACT_DATE_FORMAT = "Y. n. j."  # 2017. 3. 14.
COMPACT_YEAR_MONTH_FORMAT = "Y년 n월"  # 2017년 3월
WEEKDAY_FORMAT = "D"  # 화
WEEKDAY_DATE_FORMAT = "Y년 n월 j일 (D)"  # 2017년 3월 14일 (화)
WEEKDAY_DATETIME_FORMAT = "Y년 n월 j일 (D) H:i"  # 2017년 3월 14일 (화) 10:30
# Django abbreviates weekdays as their whole name (화요일); a date names them by one syllable.
SHORT_WEEKDAYS = ("월", "화", "수", "목", "금", "토", "일")
