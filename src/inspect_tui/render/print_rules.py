"""The A4 print rules the html (render/html.py) and the PDF (render/pdf.py) both follow,
so the page a browser prints and the page the app draws break in the same places."""

#: a cell this short with no space never wraps (a date, a case number, 目標値, 要修正)
SHORT_CELL = 12
#: a header this short never wraps (目標値, 達成度, 件数): a break would split the word
SHORT_HEADER = 6
#: a table this wide prints smaller (the guidance report's 12 columns: 211 mm at 10.5 pt, A4 has 180)
DENSE_COLUMNS = 10
#: a table this short is never split across pages
WHOLE_TABLE = 12
#: a signed section with this many table rows or fewer stays whole on the page of its seal
#: boxes; a longer one keeps only its last part with them
SEAL_KEEP_ROWS = 15
