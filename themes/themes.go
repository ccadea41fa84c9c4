// Package themes embeds Hindsight's default theme — its layouts (html/template),
// static files and UI translations — so the binary builds a site anywhere.
package themes

import (
	"embed"
	"io/fs"
)

//go:embed default
var embedded embed.FS

// Default is the default theme: layouts/, static/ and i18n/ at its root.
var Default fs.FS

func init() {
	var err error
	if Default, err = fs.Sub(embedded, "default"); err != nil {
		panic(err) // the embed pattern above guarantees the folder exists
	}
}
