// Package browser starts a headless Chromium for the tests that must see a
// page work in a real browser (the search page, from disk and over HTTP).
// Without a browser the tests are skipped, unless HINDSIGHT_BROWSER_TESTS=1
// (set by .ci/run, which installs Chromium) makes that a failure.
package browser

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Find returns the path of a Chromium or Chrome binary, or "".
func Find() string {
	if p := os.Getenv("HINDSIGHT_CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Start starts the browser at path and returns a tab, with a function that
// closes both.
func Start(path string) (context.Context, func(), error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true), // CI runs as root in a container
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	if err := chromedp.Do(ctx); err != nil { // starts the browser, for as long as ctx
		cancelC()
		cancelA()
		return nil, nil, fmt.Errorf("starting %s: %w", path, err)
	}
	return ctx, func() { cancelC(); cancelA() }, nil
}

// New returns a browser tab for t, closed when the test ends; it skips (or
// fails, under HINDSIGHT_BROWSER_TESTS=1) when there is no browser.
func New(t testing.TB) context.Context {
	t.Helper()
	path := Find()
	if path == "" {
		if os.Getenv("HINDSIGHT_BROWSER_TESTS") == "1" {
			t.Fatal("no Chromium found: install it (apt-get install chromium) or set HINDSIGHT_CHROME")
		}
		t.Skip("no Chromium found; set HINDSIGHT_CHROME or install chromium to run the browser tests")
	}
	bctx, stop, err := Start(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(bctx, 3*time.Minute)
	t.Cleanup(func() { cancel(); stop() })
	return ctx
}
