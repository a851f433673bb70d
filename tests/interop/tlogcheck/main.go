// tlogcheck verifies Scribe's evidence with implementations Scribe did not write: Go's
// golang.org/x/mod/sumdb/note (C2SP signed notes, Ed25519) and golang.org/x/mod/sumdb/tlog
// (RFC 6962/9162 record hashes, inclusion and consistency proofs), as Debian packages them
// (golang-golang-x-mod-dev; build with GO111MODULE=off GOPATH=/usr/share/gocode).
//
// Input (stdin), one JSON object:
//
//	{"vkey": "<C2SP verifier key>",
//	 "checkpoints": ["<signed checkpoint note>", ...],
//	 "records": [{"proof": "<c2sp.org/tlog-proof@v1 text>", "jcs": "<base64 JCS bytes>"}],
//	 "consistency": [{"from": I, "to": J, "proof": ["<base64 hash>", ...]}],
//	 "erased": [{"index": I, "leaf_hash": "<base64>", "proof": [...], "checkpoint": "<note>"}],
//	 "audit": {"vkey": "<the audit trail's key>", "checkpoint": "<note>",
//	           "entries": [{"index": I, "salt": "<base64>", "proof": [...], "jcs": "<base64>"}]}}
//
// Every checkpoint and every proof's embedded checkpoint must carry a valid signature by vkey
// and a well-formed body; every record's leaf hash is RecordHash(salt from the proof's extra
// line ‖ jcs) and must be proven in the proof's checkpoint; every consistency proof must prove
// checkpoints[from] a prefix of checkpoints[to]. An erased statement's kept leaf hash must be
// proven in its checkpoint as it is (its bytes and salt are gone). The audit trail must be signed
// by the same key under "<origin>/audit", hold every entry its checkpoint covers in order, and
// each entry's RecordHash(salt ‖ jcs) must be proven in it. Prints counts and exits 0, or prints
// the first failure and exits 1.
package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type record struct {
	Proof string `json:"proof"`
	JCS   string `json:"jcs"`
}

type consistency struct {
	From  int      `json:"from"`
	To    int      `json:"to"`
	Proof []string `json:"proof"`
}

type erased struct {
	Index      int64    `json:"index"`
	LeafHash   string   `json:"leaf_hash"`
	Proof      []string `json:"proof"`
	Checkpoint string   `json:"checkpoint"`
}

type auditEntry struct {
	Index int64    `json:"index"`
	Salt  string   `json:"salt"`
	Proof []string `json:"proof"`
	JCS   string   `json:"jcs"`
}

type audit struct {
	VKey       string       `json:"vkey"`
	Checkpoint string       `json:"checkpoint"`
	Entries    []auditEntry `json:"entries"`
}

type input struct {
	VKey        string        `json:"vkey"`
	Checkpoints []string      `json:"checkpoints"`
	Records     []record      `json:"records"`
	Consistency []consistency `json:"consistency"`
	Erased      []erased      `json:"erased"`
	Audit       *audit        `json:"audit"`
}

// keyOf is a verifier key's last field: the algorithm byte and public key, base64.
func keyOf(vkey string) string { return vkey[strings.LastIndex(vkey, "+")+1:] }

type head struct {
	origin string
	size   int64
	root   tlog.Hash
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "tlogcheck: "+format+"\n", args...)
	os.Exit(1)
}

// openCheckpoint verifies the note's signature and parses the C2SP tlog-checkpoint body.
func openCheckpoint(text string, verifiers note.Verifiers, origin string) (head, error) {
	n, err := note.Open([]byte(text), verifiers)
	if err != nil {
		return head{}, fmt.Errorf("note: %v", err)
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 {
		return head{}, fmt.Errorf("checkpoint body has fewer than three lines")
	}
	if lines[0] != origin {
		return head{}, fmt.Errorf("checkpoint origin %q is not the key's name %q", lines[0], origin)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return head{}, fmt.Errorf("checkpoint size %q", lines[1])
	}
	root, err := tlog.ParseHash(lines[2])
	if err != nil {
		return head{}, fmt.Errorf("checkpoint root %q: %v", lines[2], err)
	}
	return head{origin: lines[0], size: size, root: root}, nil
}

func decodeHashes(lines []string) (tlog.RecordProof, error) {
	var p tlog.RecordProof
	for _, l := range lines {
		h, err := tlog.ParseHash(l)
		if err != nil {
			return nil, fmt.Errorf("hash %q: %v", l, err)
		}
		p = append(p, h)
	}
	return p, nil
}

// parseTlogProof reads c2sp.org/tlog-proof@v1: the header, an optional `extra` line, the
// `index` line, the hashes, a blank line, then the checkpoint.
func parseTlogProof(text string) (salt []byte, index int64, proof tlog.RecordProof, checkpoint string, err error) {
	blank := strings.Index(text, "\n\n")
	if blank < 0 {
		return nil, 0, nil, "", fmt.Errorf("tlog-proof without a blank line")
	}
	checkpoint = text[blank+2:]
	lines := strings.Split(text[:blank], "\n")
	if lines[0] != "c2sp.org/tlog-proof@v1" {
		return nil, 0, nil, "", fmt.Errorf("tlog-proof header %q", lines[0])
	}
	lines = lines[1:]
	if len(lines) > 0 && strings.HasPrefix(lines[0], "extra ") {
		salt, err = base64.StdEncoding.DecodeString(strings.TrimPrefix(lines[0], "extra "))
		if err != nil {
			return nil, 0, nil, "", fmt.Errorf("extra line: %v", err)
		}
		lines = lines[1:]
	}
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "index ") {
		return nil, 0, nil, "", fmt.Errorf("tlog-proof without an index line")
	}
	index, err = strconv.ParseInt(strings.TrimPrefix(lines[0], "index "), 10, 64)
	if err != nil {
		return nil, 0, nil, "", fmt.Errorf("index line: %v", err)
	}
	proof, err = decodeHashes(lines[1:])
	return salt, index, proof, checkpoint, err
}

func main() {
	var in input
	dec := json.NewDecoder(bufio.NewReader(os.Stdin))
	if err := dec.Decode(&in); err != nil {
		fail("input: %v", err)
	}
	verifier, err := note.NewVerifier(in.VKey)
	if err != nil {
		fail("vkey: %v", err)
	}
	verifiers := note.VerifierList(verifier)
	origin := verifier.Name()

	heads := make([]head, len(in.Checkpoints))
	for i, c := range in.Checkpoints {
		if heads[i], err = openCheckpoint(c, verifiers, origin); err != nil {
			fail("checkpoint %d: %v", i, err)
		}
	}
	for i, r := range in.Records {
		salt, index, proof, checkpoint, err := parseTlogProof(r.Proof)
		if err != nil {
			fail("record %d: %v", i, err)
		}
		if len(salt) != 16 {
			fail("record %d: salt of %d bytes, want 16", i, len(salt))
		}
		h, err := openCheckpoint(checkpoint, verifiers, origin)
		if err != nil {
			fail("record %d: %v", i, err)
		}
		jcs, err := base64.StdEncoding.DecodeString(r.JCS)
		if err != nil {
			fail("record %d: jcs: %v", i, err)
		}
		leaf := tlog.RecordHash(append(append([]byte{}, salt...), jcs...))
		if err := tlog.CheckRecord(proof, h.size, h.root, index, leaf); err != nil {
			fail("record %d (index %d of %d): %v", i, index, h.size, err)
		}
	}
	for i, c := range in.Consistency {
		if c.From < 0 || c.From >= len(heads) || c.To < 0 || c.To >= len(heads) {
			fail("consistency %d: checkpoint out of range", i)
		}
		proof, err := decodeHashes(c.Proof)
		if err != nil {
			fail("consistency %d: %v", i, err)
		}
		older, newer := heads[c.From], heads[c.To]
		if err := tlog.CheckTree(tlog.TreeProof(proof), newer.size, newer.root, older.size, older.root); err != nil {
			fail("consistency %d (%d -> %d): %v", i, older.size, newer.size, err)
		}
	}
	for i, e := range in.Erased {
		h, err := openCheckpoint(e.Checkpoint, verifiers, origin)
		if err != nil {
			fail("erased %d: %v", i, err)
		}
		leaf, err := tlog.ParseHash(e.LeafHash)
		if err != nil {
			fail("erased %d: leaf hash: %v", i, err)
		}
		proof, err := decodeHashes(e.Proof)
		if err != nil {
			fail("erased %d: %v", i, err)
		}
		if err := tlog.CheckRecord(proof, h.size, h.root, e.Index, leaf); err != nil {
			fail("erased %d (index %d of %d): %v", i, e.Index, h.size, err)
		}
	}
	entries := 0
	if a := in.Audit; a != nil {
		av, err := note.NewVerifier(a.VKey)
		if err != nil {
			fail("audit vkey: %v", err)
		}
		if av.Name() != origin+"/audit" || keyOf(a.VKey) != keyOf(in.VKey) {
			fail("audit vkey %q is not the log's key under %q", a.VKey, origin+"/audit")
		}
		h, err := openCheckpoint(a.Checkpoint, note.VerifierList(av), av.Name())
		if err != nil {
			fail("audit checkpoint: %v", err)
		}
		if int64(len(a.Entries)) != h.size {
			fail("audit: %d entries, the checkpoint covers %d", len(a.Entries), h.size)
		}
		for i, e := range a.Entries {
			if e.Index != int64(i) {
				fail("audit entry %d has index %d", i, e.Index)
			}
			salt, err := base64.StdEncoding.DecodeString(e.Salt)
			if err != nil || len(salt) != 16 {
				fail("audit entry %d: salt %q", i, e.Salt)
			}
			jcs, err := base64.StdEncoding.DecodeString(e.JCS)
			if err != nil {
				fail("audit entry %d: jcs: %v", i, err)
			}
			proof, err := decodeHashes(e.Proof)
			if err != nil {
				fail("audit entry %d: %v", i, err)
			}
			leaf := tlog.RecordHash(append(append([]byte{}, salt...), jcs...))
			if err := tlog.CheckRecord(proof, h.size, h.root, e.Index, leaf); err != nil {
				fail("audit entry %d (of %d): %v", i, h.size, err)
			}
		}
		entries = len(a.Entries)
	}
	fmt.Printf("ok checkpoints=%d records=%d consistency=%d erased=%d audit=%d\n", len(in.Checkpoints), len(in.Records),
		len(in.Consistency), len(in.Erased), entries)
}
