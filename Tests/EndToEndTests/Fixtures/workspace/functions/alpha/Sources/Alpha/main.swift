print("alpha says hi")
