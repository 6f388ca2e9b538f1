print("beta says hi")
