module phoenix-alerting/template-go-fixtures

go 1.19
