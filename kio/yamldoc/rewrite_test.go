package yamldoc

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// setValue returns an each function for Rewrite that sets the value of key, in the documents
// that have it, and keeps the others.
func setValue(key, value string) func(Doc) ([]byte, error) {
	return func(d Doc) ([]byte, error) {
		doc, err := d.Parse()
		if err != nil || doc == nil {
			return nil, err
		}
		text, _, werr := d.Write(doc, func() (bool, error) {
			m := doc.Content[0]
			for i := 0; i+1 < len(m.Content); i += 2 {
				if m.Content[i].Value == key {
					m.Content[i+1].Value = value
					return true, nil
				}
			}
			return false, nil
		})
		return text, werr
	}
}

// TestRewrite: the edited document changes in its one value; the separators, the comment-only
// document, the untouched documents, the BOM and the CRLF line endings stay as they were.
func TestRewrite(t *testing.T) {
	in := "\xef\xbb\xbf# file\r\na: 1 # one\r\n--- # second\r\nb: 2\r\n---\r\n# only a comment\r\n...\r\nc: 3\r\n"
	want := "\xef\xbb\xbf# file\r\na: 1 # one\r\n--- # second\r\nb: 20\r\n---\r\n# only a comment\r\n...\r\nc: 3\r\n"
	txt, err := Read("f.yaml", []byte(in))
	require.Nil(t, err)
	out, changed, rerr := txt.Rewrite(setValue("b", "20"))
	require.Nil(t, rerr)
	assert.True(t, changed)
	assert.Equal(t, want, string(out))

	out, changed, rerr = txt.Rewrite(setValue("none", "x"))
	require.Nil(t, rerr)
	assert.False(t, changed)
	assert.Equal(t, in, string(out), "nothing changed: the content as read")
}

// TestRewriteError: an error of one document is an *Error naming the file and the line the
// document starts on, and the content comes back as read.
func TestRewriteError(t *testing.T) {
	in := "a: 1\n---\nb: 2\n"
	txt, _ := Read("f.yaml", []byte(in))
	out, changed, err := txt.Rewrite(func(d Doc) ([]byte, error) {
		if d.Line == 3 {
			return nil, errors.New("no b")
		}
		return nil, nil
	})
	require.NotNil(t, err)
	assert.Equal(t, "f.yaml:3: no b", err.Error())
	assert.False(t, changed)
	assert.Equal(t, in, string(out))

	_, _, err = Decode("g.yaml", []byte("a: [\n")).Rewrite(func(d Doc) ([]byte, error) {
		_, perr := d.Parse()
		return nil, perr
	})
	require.NotNil(t, err)
	assert.Equal(t, "g.yaml", err.Path, "a parse error gets the file's path")
	assert.Equal(t, 2, err.Line)
}

// TestWriteFallback: an edit the splice cannot express is serialized, in the document's own
// language and indentation, and said to be.
func TestWriteFallback(t *testing.T) {
	for _, c := range []struct{ name, path, in, want string }{
		{"lone CR", "f.yaml", "a: 1\rb:\n    c: 2\n", "a: 1\nb: {}\n"},
		{"JSON, emptied object", "f.json", "{\n\t\"a\": 1,\n\t\"b\": {\"c\": 2}\n}\n", "{\n\t\"a\": 1,\n\t\"b\": {}\n}\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			txt, err := Read(c.path, []byte(c.in))
			require.Nil(t, err)
			d := txt.Docs()[0]
			doc, perr := d.Parse()
			require.Nil(t, perr)
			text, fallback, werr := d.Write(doc, func() (bool, error) {
				b := doc.Content[0].Content[3]
				b.Content, b.Style = nil, b.Style|yaml.FlowStyle
				return true, nil
			})
			require.NoError(t, werr)
			assert.True(t, fallback)
			assert.Equal(t, c.want, string(text))
		})
	}
}

// TestWriteUnreadable: an edit whose text, spliced or serialized, the parser cannot read
// back (the anchor of an alias deleted) is an error, not a text to write.
func TestWriteUnreadable(t *testing.T) {
	for _, in := range []string{"a: &x {m: 1}\nb: *x\n", "{\"a\": 1}\n"} {
		txt, err := Read("f.yaml", []byte(in))
		require.Nil(t, err)
		d := txt.Docs()[0]
		doc, perr := d.Parse()
		require.Nil(t, perr)
		text, _, werr := d.Write(doc, func() (bool, error) {
			m := doc.Content[0]
			if len(m.Content) == 4 {
				m.Content = m.Content[2:] // a: &x goes, b: *x stays
			} else {
				m.Content[1] = &yaml.Node{Kind: yaml.AliasNode, Value: "nowhere"} // no anchor at all
			}
			return true, nil
		})
		require.Error(t, werr, in)
		assert.Nil(t, text)
		assert.Contains(t, werr.Error(), "left as it was: the migrated document", in)
	}
}

// TestCheckText: the first line that is not text is named, counted from the line the bytes
// start on.
func TestCheckText(t *testing.T) {
	assert.Nil(t, CheckText([]byte("a: é\n"), 1))
	err := CheckText([]byte("a\nb\x00\n"), 10)
	require.NotNil(t, err)
	assert.Equal(t, 11, err.Line)
	assert.Contains(t, err.Msg, "NUL")
	err = CheckText([]byte("a\nb\nc\xff\n"), 1)
	require.NotNil(t, err)
	assert.Equal(t, 3, err.Line)
	assert.Equal(t, "not UTF-8 text", err.Msg)
	_, err = Read("x.yaml", []byte("\x00"))
	require.NotNil(t, err)
	assert.Equal(t, "x.yaml", err.Path)
}
