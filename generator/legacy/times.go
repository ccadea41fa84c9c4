package legacy

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// months maps English and French month names and abbreviations (lower case,
// accents kept and folded) to months.
var months = map[string]time.Month{
	"january": 1, "jan": 1, "janvier": 1, "janv": 1,
	"february": 2, "feb": 2, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "fév": 2, "fev": 2,
	"march": 3, "mar": 3, "mars": 3,
	"april": 4, "apr": 4, "avril": 4, "avr": 4,
	"may": 5, "mai": 5,
	"june": 6, "jun": 6, "juin": 6,
	"july": 7, "jul": 7, "juillet": 7, "juil": 7,
	"august": 8, "aug": 8, "août": 8, "aout": 8,
	"september": 9, "sep": 9, "sept": 9, "septembre": 9,
	"october": 10, "oct": 10, "octobre": 10,
	"november": 11, "nov": 11, "novembre": 11,
	"december": 12, "dec": 12, "décembre": 12, "decembre": 12, "déc": 12,
}

// zones are the zone abbreviations a postmortem may write after a time. Only
// unambiguous ones: others are left in the text and the time is read in loc.
var zones = map[string]*time.Location{
	"z": time.UTC, "utc": time.UTC, "gmt": time.UTC,
	"cet": time.FixedZone("CET", 3600), "cest": time.FixedZone("CEST", 2*3600),
	"bst": time.FixedZone("BST", 3600),
	"est": time.FixedZone("EST", -5*3600), "edt": time.FixedZone("EDT", -4*3600),
	"pst": time.FixedZone("PST", -8*3600), "pdt": time.FixedZone("PDT", -7*3600),
}

// alternation returns a regexp alternation of the keys, longest first, so that
// "march" is tried before "mar".
func alternation[V any](m map[string]V) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, regexp.QuoteMeta(k))
	}
	slices.SortFunc(keys, func(a, b string) int {
		if d := len(b) - len(a); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return strings.Join(keys, "|")
}

var (
	monthRE   = `(` + alternation(months) + `)\.?`
	weekdayRE = `(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\.?,?\s+)?`
	// dateRE has four forms: 2024-11-02 (or 2024/11/02), Nov 2[, 2024],
	// 2 Nov[ 2024] (also "1er novembre") and 02/11/2024.
	dateRE = weekdayRE + `(?:(\d{4})[-/](\d{1,2})[-/](\d{1,2})` +
		`|` + monthRE + `\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?` +
		`|(\d{1,2})(?:st|nd|rd|th|er)?\s+` + monthRE + `(?:,?\s+(\d{4}))?` +
		`|(\d{1,2})[/.](\d{1,2})[/.](\d{4}))`
	clockRE = `(\d{1,2})(?::|\s?[hH]\s?)(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?:\s*([aApP])\.?[mM]\.?)?`
	// zoneRE: UTC and GMT in any case, other abbreviations in capitals only
	// (French "14h02 est …" is not Eastern time), or an offset.
	zoneRE = `(?:\s*\(?((?:utc|gmt)(?:\s?[+-]\d{1,2}(?::?\d{2})?)?|(?-i:Z|CEST|CET|BST|EST|EDT|PST|PDT)|[+-]\d{2}:?\d{2})\)?)?`
	// end makes sure a number or a word is not cut in two.
	end = `($|[^\pL\pN])`

	// stampPattern matches a moment at the start of a string: an optional
	// date, then a clock time and an optional zone.
	stampPattern = regexp.MustCompile(`(?i)^[\[(]?(?:` + dateRE + `(?:T|\s*,?\s*(?:at\s+|à\s+|-\s+)?))?` + clockRE + zoneRE + `[\])]?` + end)
	// clockPattern is the common case of stampPattern, a time alone, tried
	// first because it is much cheaper.
	clockPattern = regexp.MustCompile(`(?i)^[\[(]?` + clockRE + zoneRE + `[\])]?` + end)
	// datePattern matches a date alone at the start of a string.
	datePattern = regexp.MustCompile(`(?i)^[\[(]?` + dateRE + `[\])]?` + end)
	// dateSearch finds a date anywhere (in a heading such as "Day 2 — 3 Nov").
	dateSearch = regexp.MustCompile(`(?i)(?:^|[^\pL\pN])` + dateRE + end)
	// fileDate finds YYYY-MM-DD in a file name.
	fileDate = regexp.MustCompile(`(\d{4})[-_.](\d{2})[-_.](\d{2})`)
)

// Submatch indexes of the date groups, in the order of dateRE.
const (
	dISOy, dISOm, dISOd = 1, 2, 3
	dMDm, dMDd, dMDy    = 4, 5, 6
	dDMd, dDMm, dDMy    = 7, 8, 9
	dNumA, dNumB, dNumY = 10, 11, 12
	dateGroups          = 12
)

// stamp is a moment as written: parts may be missing.
type stamp struct {
	hasDate, hasYear, hasTime bool
	year                      int
	month                     time.Month
	day                       int
	hour, min, sec            int
	zone                      *time.Location // nil: the document's location
}

// group returns submatch i of s, or "".
func group(s string, m []int, i int) string {
	if 2*i+1 >= len(m) || m[2*i] < 0 {
		return ""
	}
	return s[m[2*i]:m[2*i+1]]
}

// readDate fills st's date from the date groups of match m (offset by off
// groups). It reports false when no date was written or it is not a day.
func (st *stamp) readDate(s string, m []int, off int) bool {
	g := func(i int) string { return group(s, m, off+i) }
	num := func(i int) int { n, _ := strconv.Atoi(g(i)); return n }
	switch {
	case g(dISOy) != "":
		st.year, st.month, st.day, st.hasYear = num(dISOy), time.Month(num(dISOm)), num(dISOd), true
	case g(dMDm) != "":
		st.month, st.day = months[strings.ToLower(g(dMDm))], num(dMDd)
		st.year, st.hasYear = num(dMDy), g(dMDy) != ""
	case g(dDMm) != "":
		st.month, st.day = months[strings.ToLower(g(dDMm))], num(dDMd)
		st.year, st.hasYear = num(dDMy), g(dDMy) != ""
	case g(dNumA) != "":
		a, b := num(dNumA), num(dNumB)
		switch {
		case a > 12 && b <= 12: // 13/11/2024: day first
			st.day, st.month = a, time.Month(b)
		case b > 12 && a <= 12: // 11/13/2024: month first
			st.day, st.month = b, time.Month(a)
		default: // 02/11/2024 is ambiguous: do not guess
			return false
		}
		st.year, st.hasYear = num(dNumY), true
	default:
		return false
	}
	if st.month < 1 || st.month > 12 || st.day < 1 || st.day > 31 || (st.hasYear && (st.year < 1900 || st.year > 2999)) {
		return false
	}
	y := st.year
	if !st.hasYear {
		y = 2024 // a leap year, so that 29 February is a day
	}
	if time.Date(y, st.month, st.day, 0, 0, 0, 0, time.UTC).Day() != st.day {
		return false
	}
	st.hasDate = true
	return true
}

// parseStamp reads a moment at the start of s: "14:02", "14:02 UTC",
// "2:02 pm", "14h02", "2024-11-02 14:02", "2024-11-02T14:02:00Z",
// "Nov 2, 14:02", "2 novembre à 14h02". It returns the text after it.
func parseStamp(s string) (st stamp, rest string, ok bool) {
	if !mayBeMoment(s) {
		return st, s, false
	}
	c := dateGroups + 1
	m := clockPattern.FindStringSubmatchIndex(s)
	if m != nil {
		// Same groups as stampPattern, less the date's.
		m = append(make([]int, 2*c), m[2:]...)
		for i := 2; i < 2*c; i++ {
			m[i] = -1
		}
	} else if m = stampPattern.FindStringSubmatchIndex(s); m == nil {
		return st, s, false
	}
	if group(s, m, dISOy) != "" || group(s, m, dMDm) != "" || group(s, m, dDMm) != "" || group(s, m, dNumA) != "" {
		if !st.readDate(s, m, 0) {
			return stamp{}, s, false
		}
	}
	st.hour, _ = strconv.Atoi(group(s, m, c))
	st.min, _ = strconv.Atoi(group(s, m, c+1))
	st.sec, _ = strconv.Atoi(group(s, m, c+2))
	switch strings.ToLower(group(s, m, c+3)) {
	case "a":
		if st.hour == 12 {
			st.hour = 0
		} else if st.hour > 12 {
			return stamp{}, s, false
		}
	case "p":
		if st.hour < 12 {
			st.hour += 12
		} else if st.hour > 12 {
			return stamp{}, s, false
		}
	}
	if st.hour > 23 || st.min > 59 || st.sec > 59 {
		return stamp{}, s, false
	}
	if z := group(s, m, c+4); z != "" {
		st.zone = parseZone(z)
	}
	st.hasTime = true
	return st, s[m[2*(c+5)]:], true
}

// parseDate reads a date alone at the start of s and returns the text after it.
func parseDate(s string) (st stamp, rest string, ok bool) {
	if !mayBeMoment(s) {
		return stamp{}, s, false
	}
	m := datePattern.FindStringSubmatchIndex(s)
	if m == nil || !st.readDate(s, m, 0) {
		return stamp{}, s, false
	}
	return st, s[m[2*(dateGroups+1)]:], true
}

// findDate finds a date anywhere in s.
func findDate(s string) (st stamp, ok bool) {
	m := dateSearch.FindStringSubmatchIndex(s)
	if m == nil || !st.readDate(s, m, 0) {
		return stamp{}, false
	}
	return st, true
}

// weekdays are the day names a date may start with.
var weekdays = map[string]bool{
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true, "saturday": true, "sunday": true,
	"mon": true, "tue": true, "tues": true, "wed": true, "thu": true, "thur": true, "thurs": true, "fri": true, "sat": true, "sun": true,
	"lundi": true, "mardi": true, "mercredi": true, "jeudi": true, "vendredi": true, "samedi": true, "dimanche": true,
}

// mayBeMoment is a cheap test before the patterns: a moment starts with a
// digit, a month or a day name.
func mayBeMoment(s string) bool {
	s = strings.TrimLeft(s, "[(")
	if s == "" {
		return false
	}
	if c := s[0]; '0' <= c && c <= '9' {
		return true
	}
	w, _ := readWord(s)
	w = strings.ToLower(w)
	_, ok := months[w]
	return ok || weekdays[w]
}

// parseZone turns a zone as written into a location.
func parseZone(z string) *time.Location {
	z = strings.ToLower(strings.ReplaceAll(z, " ", ""))
	if l, ok := zones[z]; ok {
		return l
	}
	z = strings.TrimPrefix(strings.TrimPrefix(z, "utc"), "gmt")
	if len(z) < 2 {
		return nil
	}
	sign := 1
	if z[0] == '-' {
		sign = -1
	}
	z = strings.ReplaceAll(z[1:], ":", "")
	var h, m int
	switch len(z) {
	case 1, 2:
		h, _ = strconv.Atoi(z)
	case 3, 4:
		h, _ = strconv.Atoi(z[:len(z)-2])
		m, _ = strconv.Atoi(z[len(z)-2:])
	}
	if h > 14 || m > 59 {
		return nil
	}
	off := sign * (h*3600 + m*60)
	if off == 0 {
		return time.UTC
	}
	return time.FixedZone("", off)
}

// day is a calendar day; the zero day is unknown.
type day struct {
	year  int
	month time.Month
	day   int
}

func (d day) known() bool { return d.year != 0 }

func dayOf(t time.Time) day {
	if t.IsZero() {
		return day{}
	}
	y, m, dd := t.Date()
	return day{y, m, dd}
}

// next returns the day after d.
func (d day) next() day {
	return dayOf(time.Date(d.year, d.month, d.day+1, 12, 0, 0, 0, time.UTC))
}

// date returns the day of st, taking the year from ref when st has none
// (the year that puts it nearest ref).
func (st stamp) date(ref day) (day, bool) {
	if !st.hasDate {
		return ref, ref.known()
	}
	if st.hasYear {
		return day{st.year, st.month, st.day}, true
	}
	if !ref.known() {
		return day{}, false
	}
	d := day{ref.year, st.month, st.day}
	switch {
	case int(st.month)-int(ref.month) > 6:
		d.year--
	case int(ref.month)-int(st.month) > 6:
		d.year++
	}
	return d, true
}

// at returns st on day d, in st's zone or loc.
func (st stamp) at(d day, loc *time.Location) time.Time {
	if st.zone != nil {
		loc = st.zone
	}
	return time.Date(d.year, d.month, d.day, st.hour, st.min, st.sec, 0, loc)
}

// durationUnits maps unit words to durations.
var durationUnits = map[string]time.Duration{
	"d": 24 * time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour,
	"j": 24 * time.Hour, "jour": 24 * time.Hour, "jours": 24 * time.Hour,
	"h": time.Hour, "hr": time.Hour, "hrs": time.Hour, "hour": time.Hour, "hours": time.Hour,
	"heure": time.Hour, "heures": time.Hour,
	"m": time.Minute, "mn": time.Minute, "min": time.Minute, "mins": time.Minute,
	"minute": time.Minute, "minutes": time.Minute,
	"s": time.Second, "sec": time.Second, "secs": time.Second, "second": time.Second,
	"seconds": time.Second, "seconde": time.Second, "secondes": time.Second,
}

// approx are words that may come before a duration ("about 5 minutes").
var approx = []string{
	"approximately", "approx.", "approx", "about", "around", "roughly", "nearly", "almost",
	"environ", "env.", "circa", "ca.", "~", "≈", "<", ">", "±",
}

// parseDuration reads a duration at the start of s: "5 minutes", "5 min",
// "5m", "1 hour 10 minutes", "2h 30m", "2h30", "1.5 hours", "90 s",
// "2 heures", "1 h 10", "45 secondes", "3 jours". With clock, "1:30" is an hour
// and a half when it is all there is. It returns the text after it.
func parseDuration(s string, clock bool) (d time.Duration, rest string, ok bool) {
	s = strings.TrimSpace(s)
	for _, w := range approx {
		if len(s) > len(w) && strings.EqualFold(s[:len(w)], w) {
			s = strings.TrimSpace(s[len(w):])
			break
		}
	}
	if clock {
		if st, r, ok := parseStamp(s); ok && !st.hasDate && st.zone == nil && trivial(r) && !strings.ContainsAny(s[:len(s)-len(r)], "hHaApP") {
			return time.Duration(st.hour)*time.Hour + time.Duration(st.min)*time.Minute + time.Duration(st.sec)*time.Second, r, true
		}
	}
	rest = s
	var last time.Duration // unit of the last number read
	for {
		r := strings.TrimLeft(rest, " \t")
		if d > 0 {
			r = trimWord(trimWord(strings.TrimLeft(r, ", \t"), "and"), "et")
		}
		num, r2, okNum := readNumber(r)
		if !okNum {
			break
		}
		unitText, r3 := readWord(strings.TrimLeft(r2, " \t"))
		unit, known := durationUnits[strings.ToLower(unitText)]
		if !known {
			// "2h30", "1 h 10": bare minutes after hours, seconds after minutes.
			if unitText == "" && (last == time.Hour || last == time.Minute) && num == float64(int(num)) && num < 60 {
				d += time.Duration(num) * (last / 60)
				rest, last = r2, 0
			}
			break
		}
		d += time.Duration(num * float64(unit))
		rest, last = r3, unit
	}
	if d <= 0 {
		return 0, s, false
	}
	return d, rest, true
}

// readNumber reads "5", "1.5" or "1,5" at the start of s.
func readNumber(s string) (float64, string, bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i > 6 {
		return 0, s, false
	}
	j := i
	if j+1 < len(s) && (s[j] == '.' || s[j] == ',') && s[j+1] >= '0' && s[j+1] <= '9' {
		j++
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
	}
	n, err := strconv.ParseFloat(strings.Replace(s[:j], ",", ".", 1), 64)
	if err != nil {
		return 0, s, false
	}
	return n, s[j:], true
}

// readWord reads the letters at the start of s.
func readWord(s string) (word, rest string) {
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) {
			break
		}
		i += n
	}
	rest = s[i:]
	rest = strings.TrimPrefix(rest, ".")
	return s[:i], rest
}

// trimWord removes word (and the spaces after it) from the start of s.
func trimWord(s, word string) string {
	if len(s) > len(word) && strings.EqualFold(s[:len(word)], word) && s[len(word)] == ' ' {
		return strings.TrimLeft(s[len(word):], " ")
	}
	return s
}

// trivial reports whether the rest of a value holds nothing worth keeping:
// no letter, no digit.
func trivial(rest string) bool {
	return !strings.ContainsFunc(rest, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
}
