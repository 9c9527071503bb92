package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// givenNames are common given names (folded) of the people the news of
// Vigie's languages names most: a name starting with one of them and followed
// by capitalised words is read as a person. Missing names only mean that a
// person is not seen (no disagreement is then reported), never a false one.
var givenNames = wordSet(`
aaron abdel abdul abraham adam adrian adriana agnes ahmed aisha alain alan albert alberto alejandro aleksandr alex alexander
alexandre alexandria alexis alfonso alfredo ali alice alicia alison allan alvaro amanda amber amy ana anders andre andrea
andreas andres andrew andy angela angelina angus anita ann anna anne annie anthony antoine antonio ari ariana arnaud arnold
arthur ashley aurelien barack barbara barry beatriz ben benedict benjamin benoit bernard bernie beto betsy beyonce bill
billy bob bobby boris brad bradley brandon brenda brett brian britney bruce bruna bruno bryan caitlyn camila candace carl
carla carlos carmen carol caroline carolina cassio catherine cecile celine charles charlie chelsea cheryl chris christian
christiane christine christophe christopher chuck ciro clara clarence claude claudia clint colin conor cory craig cristiano
cristina cynthia dan dana daniel daniela danielle danny dario dave david dean debbie deborah denis dennis derek devin diana
diane diego dilma dominic dominique donald doug douglas dwayne ed eddie edgar edouard eduardo edward elena eli elijah
elisabeth eliza elizabeth ella ellen elon emily emma emmanuel enrique eric erik ernesto eva evan evelyn fabio fabrice
fatima felipe felix fernanda fernando filipe francis francisco francois frank franklin fred frederic gabriel
gabriela gary gavin geert george georges gerald gerard gilberto gina giorgia giuseppe glenn gloria gordon grace greg
gregory greta guilherme gustavo hamid hannah harold harry hassan heidi helen helena henri henry hillary howard hugh hugo
hunter ian ilhan ingrid isaac isabel isabella isabelle ivan ivanka jack jacob jacques jacqueline jair jake james jamie jan
jane janet jared jason javier jay jean jeanne jeb jeff jeffrey jennifer jeremy jerome jerry jesse jessica jesus jill jim
jimmy joan joao joaquim joe joel johan johann john johnny jon jonas jonathan jorge jose josef joseph josh joshua
joyce juan judith julia julian julie julien julio justin kamala karen karin karl kate katherine kathleen katie kayleigh
keith kelly ken kenneth kevin khaled kim kimberly kirk kristi kristina kurt kyle lara larry laura lauren laurent leo leon
leonardo lily linda lindsey lionel lisa liz lorena lori louis louise lucas lucia luciano luis luisa luiz luiza luke lula
magnus malcolm manuel marc marcel marcelo marco marcos margaret maria mariana marie marina marine mario marion mark marta
martin martine mary mathieu matt matteo matthew maurice max maxine megan meghan melania melissa michael michel michele
michelle miguel mike mikhail mitch mitt mohamed mohammad mohammed monica muhammad nadia nancy naomi nathalie nathan ned
neil nicholas nick nicola nicolas nicole nigel nikki noah norman olaf olivia olivier omar oprah oscar pablo pam pamela
pascal patricia patrick paul paula paulo pedro pete peter philip philippe pierre piers rachel rafael ralph ramon randy
rand raphael raquel rashida ray raymond rebecca regina renan renata renato rene ricardo richard rick rob robert roberto
robin rodrigo roger roman ron ronald rosa rose roy ruby rudy rupert russell ruth ryan sam samantha samir
samuel sandra sara sarah scott sean sebastian sebastien serena sergei sergio sharon sheila silvia simon simone sofia sonia
sophie stacey stefan stephane stephanie stephen steve steven susan suzanne sylvie tamara tammy tara ted teresa thiago
thierry thomas tiffany tim timothy tina todd tom tommy tony tracy travis tucker ulf valerie vanessa vera veronica victor
vincent vladimir walter wayne wendy william willie xavier yann yannick yasmin yves yvonne zach zachary
`)

// titles are folded words that introduce a person's name: "Mr Smith", "M.
// Dupont", "presidente Lula", "Senator Warren".
var titles = wordSet(`
mr mrs ms miss dr prof president senator sen governor gov rep representative congressman congresswoman minister mayor
pope sir chancellor m mme mlle monsieur madame maire depute deputee ministre senateur senatrice presidente sr sra srta
senhor senhora dona ministro ministra prefeito prefeita governador governadora deputado deputada senador senadora vereador
vereadora presidenta alcalde alcaldesa ministern statsminister
`)

// notNames are capitalised words that end a name rather than continue it:
// "George Washington University", "Marie Curie Hospital".
var notNames = wordSet(`university universite universidade universidad college school ecole escola hospital hopital
foundation fondation fundacao institute institut instituto street avenue road rue rua park parc parque bridge pont
ponte airport aeroport aeroporto center centre centro county city state stadium stade estadio station gare museum musee
museu library school church eglise igreja hall house tower award prize act law bill`)

// particles join the parts of a name: "Marine Le Pen", "Lula da Silva".
var particles = wordSet("de da do dos das di du del della van von der den le la al el bin ben ter")

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// caseOf tells how the token at s[t.Start:t.End] is written.
func caseOf(s string, t Token) (capitalised, allCaps bool) {
	w := s[t.Start:t.End]
	r, _ := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(r) {
		return false, false
	}
	upper, letters := 0, 0
	for _, r := range w {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	if letters > 1 && upper == letters {
		return false, true
	}
	return true, false
}

// persons returns the named persons of s (see Mentions), skipping tokens
// already read as figures or dates.
func persons(s string, toks []Token, used []bool) []Mention {
	if shouted(s, toks) {
		return nil
	}
	var out []Mention
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.Number || used[i] {
			continue
		}
		titled := titles[t.Text] && i+1 < len(toks)
		if titled && len(t.Text) == 1 { // "M. Dupont", never the m of "I'm"
			titled = s[t.Start:t.End] == "M" && strings.HasPrefix(gap(s, toks, i, i+1), ".")
		}
		c, _ := caseOf(s, t)
		if !titled && !(c && givenNames[t.Text]) {
			continue
		}
		// the name: capitalised words (initials and particles inside)
		first := i
		if titled {
			first = i + 1
		}
		last := -1
		for j := first; j < len(toks) && j-first < 5; j++ {
			if j > i {
				g := gap(s, toks, j-1, j)
				initial := g == ". " && len(toks[j-1].Text) == 1 // Donald J. Trump
				afterTitle := titled && j == first && (g == ". " || g == ".")
				if !blank(g) && g != "-" && !initial && !afterTitle {
					break
				}
			}
			tj := toks[j]
			if tj.Number || used[j] {
				break
			}
			if cj, _ := caseOf(s, tj); cj {
				if functionWords[tj.Text] || notNames[tj.Text] || j-first >= 4 {
					break // "Susan Rice Says That", "George Washington University"
				}
				last = j
				continue
			}
			if particles[tj.Text] && j > first && j+1 < len(toks) {
				if cn, _ := caseOf(s, toks[j+1]); cn && blank(gap(s, toks, j, j+1)) {
					continue
				}
			}
			break
		}
		// a given name alone is not enough; a title needs one name after it
		if last < 0 || !titled && last == i || titled && last < first {
			continue
		}
		name := toks[last].Text
		if len(name) < 2 {
			continue
		}
		out = append(out, Mention{Kind: MentionPerson, Start: toks[first].Start, End: toks[last].End, Name: name})
		i = last
	}
	return out
}

// functionWords are short words written in lower case inside a sentence in
// Vigie's languages; capitalised, they betray a headline in title case.
var functionWords = wordSet(`the an of to in on for and is was are with by from at says said
les des du et est une dans pour sur avec par
os as do da dos das em uma que para com por
el los las en con para por del
och att det som pa med for av till`)

// shouted reports text in title case or in capitals (headlines, shouting),
// where every word looks like a name and none can be read as one.
func shouted(s string, toks []Token) bool {
	words, caps, fn, fnCaps := 0, 0, 0, 0
	for k, t := range toks {
		if t.Number {
			continue
		}
		c, a := caseOf(s, t)
		if len(t.Text) >= 4 {
			words++
			if a {
				caps++
			}
		}
		if k > 0 && functionWords[t.Text] {
			fn++
			if c || a {
				fnCaps++
			}
		}
	}
	return words >= 3 && caps*10 >= words*7 || fnCaps >= 2 && fnCaps*2 >= fn
}
