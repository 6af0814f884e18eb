module racelab.test/gohang

go 1.19
