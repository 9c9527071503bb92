package text

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestSentencesGolden(t *testing.T) {
	t.Parallel()
	for _, lang := range Languages {
		t.Run(lang, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", "sentences", lang+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for i, s := range Sentences(string(in), lang) {
				if string(in)[s.Start:s.End] != s.Text {
					t.Errorf("sentence %d offsets %d:%d do not cover %q", i, s.Start, s.End, s.Text)
				}
				fmt.Fprintf(&b, "%d\t%s\n", i, s.Text)
			}
			p := filepath.Join("testdata", "sentences", lang+".golden")
			if *update {
				if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(p)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if b.String() != string(want) {
				t.Errorf("sentences differ from %s:\n--- got\n%s--- want\n%s", p, b.String(), want)
			}
		})
	}
}

func TestSentences(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, lang, in string
		want           []string
	}{
		{"empty", "en", "", nil},
		{"no terminator", "en", "just words", []string{"just words"}},
		{"decimal", "en", "It rose 3.5 percent. Then fell.", []string{"It rose 3.5 percent.", "Then fell."}},
		{"initials", "en", "J. K. Rowling wrote it. She did.", []string{"J. K. Rowling wrote it.", "She did."}},
		{"lower after dot", "en", "The vote was 5 vs. 3 in favour.", []string{"The vote was 5 vs. 3 in favour."}},
		{"ellipsis", "en", "Well... Maybe not.", []string{"Well...", "Maybe not."}},
		{"quotes", "en", `He said "stop." Then left.`, []string{`He said "stop."`, "Then left."}},
		{"newlines", "", "line one\nline two", []string{"line one", "line two"}},
		{"punctuation only", "en", "... !!! ?", nil},
		{"arabic question", "ar", "هل هذا صحيح؟ لا.", []string{"هل هذا صحيح؟", "لا."}},
		{"swedish ordinal", "sv", "Den 1. januari började det.", []string{"Den 1. januari började det."}},
		{"url dot", "en", "See example.com for more. Ok.", []string{"See example.com for more.", "Ok."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range Sentences(tt.in, tt.lang) {
				got = append(got, s.Text)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Sentences(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFold(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"ascii", "Hello World", "hello world"},
		{"accents", "Élysée Ça São Åsa", "elysee ca sao asa"},
		{"nfkc", "ﬁnance ２０２１", "finance 2021"},
		{"quotes", "“l’état”", "\"l'etat\""},
		{"arabic alef and harakat", "أَحْمَد إِلى مدرسة", "احمد الي مدرسه"},
		{"arabic digits", "٣٫٥٪ ۱۲", "3.5٪ 12"},
		{"tatweel", "مـــصر", "مصر"},
		{"zero width", "a\u200bb\u200dc", "a bc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTokenize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []string
	}{
		{"words", "The cat's hat", []string{"the", "cat", "s", "hat"}},
		{"numbers", "1,000 people, 3.5% and 3,5 or 1.000.000", []string{"1000", "people", "3.5", "and", "3.5", "or", "1000000"}},
		{"glued", "covid19 and 5G", []string{"covid19", "and", "5g"}},
		{"elision", "l'État", []string{"l", "etat"}},
		{"arabic", "قال الوزير: ١٢٠٠ حالة", []string{"قال", "الوزير", "1200", "حاله"}},
		{"trailing dot", "in 2021.", []string{"in", "2021"}},
		{"hyphen", "anti-vaccine", []string{"anti", "vaccine"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, tok := range Tokenize(tt.in) {
				if tok.Start < 0 || tok.End > len(tt.in) || tok.Start >= tok.End {
					t.Fatalf("bad offsets %+v", tok)
				}
				got = append(got, tok.Text)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Tokenize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestAnalyzer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		lang, in string
		want     []string
	}{
		{"en", "The towers were spreading viruses", []string{"tower", "spread", "virus"}},
		{"fr", "Les élections présidentielles", []string{"elect", "presidentiel"}},
		{"pt", "As eleições presidenciais", []string{"eleico", "presidenc"}},
		{"es", "Las elecciones presidenciales", []string{"eleccion", "presidencial"}},
		{"sv", "Kommunerna satsade på skolorna", []string{"kommun", "sats", "skol"}},
		{"ar", "قال الوزير إن المدارس", []string{"قال", "وزير", "مدارس"}},
		// nl and tr: Snowball Dutch and Turkish, stop words (het, de, met, ve) removed
		{"nl", "Het kabinet steunt de ondernemers met nieuwe maatregelen", []string{"kabinet", "steunt", "ondernemer", "nieuw", "maatregel"}},
		{"nl", "De werkloosheid steeg volgens de cijfers", []string{"werklos", "steg", "volgen", "cijfer"}},
		{"tr", "Kitaplardan ve öğrencilerimizin evlerinden", []string{"kitap", "ogrenci", "ev"}},
		{"tr", "Bakanın demeci", []string{"baka", "demec"}}, // the stemmer turns the final c into ç; folded back
		{"pt-BR", "os números", []string{"numer"}},
		{"xx", "The towers", []string{"the", "towers"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			if got := AnalyzerFor(tt.lang).Stems(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Stems(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestDetectSelectsAnalyzer checks that the languages Detect recognises get
// their own analyzer, with a stemmer, wherever Snowball covers them.
func TestDetectSelectsAnalyzer(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, lang string }{
		{"The government said that the number of cases has doubled since last week.", "en"},
		{"Het kabinet heeft vandaag gezegd dat de maatregelen niet worden verlengd.", "nl"},
		{"Sağlık Bakanlığı bugün yeni vaka sayısını açıkladı ve bu çok önemli bir gelişme.", "tr"},
		{"Правительство заявило, что число случаев удвоилось.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			l := Detect(tt.in)
			if l != tt.lang {
				t.Fatalf("Detect = %q, want %q", l, tt.lang)
			}
			a := AnalyzerFor(l)
			if a.Lang() != tt.lang || (a.stem != nil) != (tt.lang != "") {
				t.Errorf("AnalyzerFor(%q): lang %q, stemmer %v", l, a.Lang(), a.stem != nil)
			}
		})
	}
	for _, l := range Languages {
		if a := AnalyzerFor(l); a.stem == nil || len(a.stop) == 0 {
			t.Errorf("%s: stemmer %v, %d stop words", l, a.stem != nil, len(a.stop))
		}
	}
}

func TestNormalizeNumber(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"1,000": "1000", "3.50": "3.5", "007": "7", "1.000.000": "1000000", "3,5": "3.5", "0.5": "0.5", "10": "10", "12,345,678.9": "12345678.9"} {
		if got := NormalizeNumber(in); got != want {
			t.Errorf("NormalizeNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDetect(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"The government said that the number of cases has doubled since last week.", "en"},
		{"Le gouvernement a déclaré que le nombre de cas a doublé depuis la semaine dernière.", "fr"},
		{"O governo disse que o número de casos dobrou desde a semana passada.", "pt"},
		{"El gobierno dijo que el número de casos se ha duplicado desde la semana pasada.", "es"},
		{"Regeringen sade att antalet fall har fördubblats sedan förra veckan.", "sv"},
		{"قالت الحكومة إن عدد الحالات تضاعف منذ الأسبوع الماضي", "ar"},
		{"Правительство заявило", ""},
		{"12345", ""},
	}
	for _, tt := range tests {
		t.Run(tt.want+"/"+string([]rune(tt.in)[:4]), func(t *testing.T) {
			if got := Detect(tt.in); got != tt.want {
				t.Errorf("Detect(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
