module github.com/hindsight-sre/hindsight

go 1.26.8

require (
	github.com/BurntSushi/toml v1.6.0
	github.com/adrg/frontmatter v0.2.0
	github.com/yuin/goldmark v1.8.7
	golang.org/x/text v0.43.0
	gopkg.in/yaml.v3 v3.0.1
)

require gopkg.in/yaml.v2 v2.3.0 // indirect
