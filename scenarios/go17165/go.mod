module racelab/scenarios/go17165

go 1.19
