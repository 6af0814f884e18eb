module racelab.test/gosig

go 1.19
