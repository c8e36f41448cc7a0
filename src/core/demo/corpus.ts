/**
 * The demo dataset's text: short documents written for this project (not taken from any corpus),
 * on varied topics, with the numbers, dates, names, code, quotes and lists that the planted
 * neurons respond to. Each document is long enough for several 64-token records.
 */
export const DEMO_DOCUMENTS: readonly string[] = [
  `Weather for the week ahead. Monday starts cold and bright, with a light frost in the valleys and a high of 6 degrees by the afternoon. Clouds build on Tuesday, and rain arrives from the west by evening, heavy at times over the hills. Wednesday stays wet and windy: gusts of 60 kilometres an hour are likely along the coast, and the ferry to the islands may not sail. The wind eases on Thursday, leaving scattered showers and a chance of hail in the north. Friday looks drier, though a band of fog may linger near the river until noon. The weekend brings sunshine at last, and temperatures climb to 14 degrees on Sunday, the warmest day since the end of October. Gardeners should still cover tender plants at night, because the forecast shows clear skies and another frost early next week.`,

  `The home side finally won a match at their own stadium on Saturday, beating the league leaders 3-1 in front of 21,000 fans. The visitors scored first, a low shot in the ninth minute that the goalkeeper never saw. After that the game turned. The captain headed in a corner just before halftime, and the young striker added two goals in the second half, the last one a chip from the edge of the box. The coach said afterwards that the team had trained for weeks on set pieces and that the win "belongs to the players and to the people who kept coming all season." The referee booked five players and gave one penalty, which was saved. The result lifts the club to seventh place with 11 games left, four points behind the playoff places.`,

  `A simple loaf of bread. You need 500 grams of strong white flour, 10 grams of salt, 7 grams of dried yeast, 2 tablespoons of olive oil and 320 millilitres of warm water. Mix the flour, salt and yeast in a large bowl, then pour in the oil and most of the water. Stir with a spoon until the dough comes together, adding the rest of the water if it feels dry. Knead it on a floured table for ten minutes, until it is smooth and springs back when you press it. Put it back in the bowl, cover it with a damp cloth and leave it somewhere warm for an hour. Shape it into a round, let it rise again for 40 minutes, and bake it at 220 degrees for 30 minutes. The loaf is done when it sounds hollow as you tap the bottom. Let it cool before you cut it, however hard that is.`,

  `Notes on the history of the harbour. The first stone pier was finished in 1784, after a storm in January of that year wrecked eleven fishing boats at their moorings. A second pier followed in 1811. By 1850 the harbour handled coal, timber and grain, and a railway line reached the quay in March 1862. The great fire of August 1893 destroyed the old customs house, which was rebuilt in brick two years later. During the war the harbour was closed to private boats from September 1939 until May 1945. Trade declined through the 1960s as lorries took over, and the last cargo ship left in November 1978. The piers were listed as historic structures in 1991, and the old warehouses now hold a market, a museum and a sailing school.`,

  `def load_scores(path):
    scores = {}
    with open(path) as handle:
        for line in handle:
            name, value = line.strip().split(",")
            scores[name] = float(value)
    return scores


def top_scores(scores, count=10):
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    return ranked[:count]


if __name__ == "__main__":
    scores = load_scores("scores.csv")
    for name, value in top_scores(scores):
        print(f"{name}: {value:.2f}")`,

  `function debounce(callback, delay) {
  let timer = null;
  return (...args) => {
    if (timer !== null) {
      clearTimeout(timer);
    }
    timer = setTimeout(() => {
      timer = null;
      callback(...args);
    }, delay);
  };
}

const input = document.querySelector("#search");
const results = [];
input.addEventListener("input", debounce((event) => {
  const query = event.target.value.trim();
  if (query.length < 2) {
    return;
  }
  results.push({ query, time: Date.now() });
  console.log(results.length, query);
}, 250));`,

  `Minutes of the garden committee, 14 March. Present: Ruth, Daniel, Priya, Omar and Grace. Apologies from Henry. 1. The minutes of the February meeting were approved. 2. Daniel reported that the new shed cost 850 pounds, 50 less than the budget. 3. Priya proposed moving the plant sale from April to May, because the April date clashes with the school holidays; agreed. 4. Omar asked who will water the beds in July and August. Grace will draw up a rota, and volunteers should send her their free weeks by the end of the month. 5. Any other business: the gate needs a new lock, and Ruth will ask the council about the broken fence. The next meeting is on Thursday 11 April at 7 pm in the church hall.`,

  `Day six. We left the village before sunrise and walked north along the river, through fields of barley and past a ruined mill. By ten the sun was already hot, and we stopped in the shade of a chestnut tree to eat bread, cheese and the last of the apricots. In the afternoon the path climbed into the hills, and a storm came over the ridge without warning: thunder, then rain so heavy that we could not see the next marker. We sheltered in a barn with a family of goats for an hour. When the rain stopped the whole valley smelled of wet earth and thyme. We reached the town of San Marco at dusk, tired and soaked, and found a room above a bakery. Tomorrow we rest, and on Friday we take the bus to the coast.`,

  `I have owned this kettle for three months, and I would give it four stars out of five. It boils a full litre in just under three minutes, which is faster than my old one, and it switches itself off reliably. The handle stays cool, and the lid opens with one button, so you can fill it with one hand. The water window is easy to read from across the kitchen. My complaints are small: the base is a little loud when it clicks, and the blue light inside is brighter than it needs to be at night. At 39 dollars it is not the cheapest model, but it feels well made. The box says "rapid boil technology", which means nothing, but it does boil quickly. If the price drops to 30, buy two.`,

  `Dear Clara, thank you for your letter, which arrived on Tuesday along with the first real snow of the winter. The children built a snowman in the yard and named it after the postman, who was not amused. We are all well. Tomas has started at the new school and likes his teacher, although he says the lunches are "a crime against potatoes". Anna is learning the violin, so the house is full of long, sad notes after supper. I hope you will come in June, as you promised; the roses should be out by then, and we can walk to the lake as we did when we were girls. Write and tell me which week suits you. With love from all of us, Elena.`,

  `Where does rain come from? The sun warms the oceans, lakes and rivers, and some of their water evaporates into the air as an invisible gas called water vapour. Warm air rises, and as it rises it cools. Cool air cannot hold as much vapour, so the vapour condenses into tiny droplets around specks of dust, and those droplets form clouds. Inside a cloud the droplets collide and merge. When they grow too heavy to float, they fall as rain, or as snow and hail when the air is cold enough. Some of the water soaks into the ground, some runs off into streams, and the rest flows back to the sea, where the cycle starts again. The whole journey of a single drop can take days or thousands of years.`,

  `Shopping list for the weekend: eggs (a dozen), two loaves of bread, butter, three lemons, a bag of onions, potatoes, carrots, tomatoes, fresh herbs, rice, lentils, four tins of beans, coffee, oats, apples for the children's lunches, washing-up liquid, bin bags, batteries for the clock, candles for the party, birthday cards for Max and Sophia, envelopes and stamps. Also pick up the shoes from the repair shop on Mill Street (ticket number 27) and return the library books before Saturday, or the fines start. If the market has strawberries, get two boxes; if not, get grapes. Remember the bottles for recycling, the blue bags for paper and the green ones for glass.`,

  `"You're late," said the old woman, without looking up from her knitting. Jack closed the door behind him and stamped the snow off his boots. "The bus broke down outside the quarry. I walked the last two miles." "In this weather? You'll catch your death." She put the needles down at last and looked at him over her glasses. "Well, sit down. The soup is still hot, and there's bread if the mice haven't found it." He sat by the stove and held his hands to the heat. Outside the wind threw snow against the window. "Did anyone call?" he asked. "A man from the bank," she said. "He wouldn't leave a message. He said he'd come himself on Monday." Jack said nothing, but his face went pale.`,

  `Frequently asked questions. How long does delivery take? Most orders arrive within three to five working days; orders placed after 2 pm on Friday are sent on Monday. Can I change my order after I have paid? Yes, if it has not yet been packed. Write to us with your order number and we will do our best. What if an item arrives damaged? Take a photo of the item and its packaging and send it to us within 14 days; we will send a replacement or refund you in full. Do you ship abroad? We ship to most countries in Europe, and to Canada and Japan. Where can I find my invoice? It is attached to your confirmation email, and you can download it again from your account page at any time.`,

  `The city council voted on Wednesday to spend 4.2 million dollars repairing the old bridge over the Elm River, ending two years of argument about whether to repair it or pull it down. The bridge, built in 1926, carries about 9,000 cars a day and has been closed to lorries since last spring, when engineers found cracks in two of its five arches. Work will start in September and should take eighteen months. During the repairs, one lane will stay open in each direction, except for three weekends when the bridge will close completely. Councillor Ahmed, who led the campaign to save it, called the decision "a victory for common sense and for the town's history." The vote was 7 to 4.`,

  `Events this autumn at the community centre. Every Monday: chess club, 6 pm to 8 pm, all levels welcome. Every Wednesday: yoga for beginners, 10 am, bring your own mat. Saturday 7 September: harvest fair with stalls, music and a cake competition. Friday 20 September: film night, showing a classic comedy, doors open at 7. Sunday 6 October: repair cafe, bring broken lamps, toasters, bicycles and clothes. Saturday 19 October: quiz night in aid of the food bank, teams of up to six, 5 pounds a head. Thursday 31 October: Halloween party for children under twelve. Saturday 16 November: craft market. Saturday 14 December: winter concert by the town choir, tickets 8 pounds.`,

  `Quarterly results. Revenue for the three months to June rose 12 percent to 48.6 million dollars, compared with 43.4 million a year earlier. Operating costs grew more slowly, by 7 percent, so operating profit reached 6.1 million, up from 4.2 million. Sales in Europe grew 18 percent, helped by the new stores in Lisbon and Dublin, while sales in North America were flat. The company ended the quarter with 22.3 million dollars in cash and no debt. It plans to open 15 more stores by March and expects revenue for the full year of between 190 and 200 million dollars. The board declared a dividend of 4 cents a share, payable on 15 August to shareholders on the register on 1 August.`,

  `The gardener's year. In January, order seeds and plan the beds while the ground is frozen. In February, prune the apple trees and dig compost into the empty plots. March is the month for sowing peas, onions and early potatoes, as long as the soil has begun to warm. In April, sow carrots, beetroot and lettuces, and keep fleece handy for cold nights. May brings the last frosts; plant out tomatoes and beans only when they have passed. June and July are for weeding, watering and picking. In August, harvest onions and dry them in the sun. September and October bring apples, pumpkins and squashes. In November, plant garlic and tulip bulbs, and in December rest, read catalogues and dream of next summer.`,

  `The final was decided in the last seconds. With the score tied at 88 points each and four seconds on the clock, the visiting team's point guard drove to the basket, drew two defenders and passed to the corner, where the rookie forward hit a three-pointer as the buzzer sounded. Her teammates ran onto the court and buried her under a pile of jerseys. It was only her second season in the league. The coach, who had won the championship twice as a player, called it "the best shot I have ever seen, and I have seen a few." The losing side had led by eleven points at halftime but missed nine of their last twelve shots. The two teams meet again in the first game of next season, in October.`,

  `Some facts about owls. There are around 250 species of owls, and they live on every continent except Antarctica. Most hunt at night, using hearing so sharp that some can catch mice under a layer of snow. Their feathers have soft, comb-like edges that break up the flow of air, so they fly almost silently. Owls cannot move their eyes, but they can turn their heads about 270 degrees. They swallow small prey whole and later cough up pellets of fur and bones, which scientists collect to learn what the birds have eaten. Barn owls nest in old buildings and hollow trees, while burrowing owls, as their name suggests, live in holes dug by other animals such as prairie dogs and foxes.`,

  `Homework, question 4. Solve for x: 3(x + 2) = 2(x - 1) + 11. First expand both brackets: 3x + 6 = 2x - 2 + 11, so 3x + 6 = 2x + 9. Subtract 2x from both sides: x + 6 = 9. Then subtract 6: x = 3. Check: the left side is 3(3 + 2) = 15, and the right side is 2(3 - 1) + 11 = 4 + 11 = 15. Both sides agree, so x = 3. Question 5. Find the area of a triangle with base 12 cm and height 7 cm. The area is (1/2) x base x height = (1/2) x 12 x 7 = 42 square centimetres. Question 6. A train travels 180 km in 2 hours and 15 minutes. What is its average speed? The time is 2.25 hours, so the speed is 180 / 2.25 = 80 km per hour.`,

  `Timetable changes from Sunday 2 June. The 6:15 service to the city now leaves at 6:20 and calls at every station. The 7:05 fast train is unchanged and reaches the city at 7:48. On weekdays, trains run every 15 minutes between 7 am and 9 am and every 30 minutes after that, with the last train leaving the city at 23:40. On Saturdays the first train leaves at 7:30. On Sundays there is a reduced service, one train an hour from 8:00 until 22:00. Because of engineering work, no trains will run between Oakfield and the coast on the weekends of 15 June and 22 June; buses will replace them, adding about 25 minutes to the journey. Season tickets bought before 1 June remain valid.`,

  `The morning comes in grey and slow,
the kettle hums, the windows glow,
and somewhere past the sleeping street
a blackbird tries a tune, then two.
I wait for words that will not come,
and watch the rain on roofs of tin,
and think of all the letters, friend,
that we forgot to finish then.
The years go by like trains at night,
a flash of windows, then the dark,
and still the blackbird on the wire
keeps singing, as if nothing ends.`,

  `date,station,min_temp,max_temp,rain_mm,wind_kmh
2023-01-03,North Ridge,-4.2,2.1,0.0,14
2023-01-04,North Ridge,-2.8,3.5,1.2,22
2023-01-05,North Ridge,0.4,6.9,8.6,41
2023-01-06,North Ridge,1.1,7.3,12.9,56
2023-01-07,North Ridge,-0.5,4.4,3.1,30
2023-01-03,Harbour Point,2.3,8.0,0.4,18
2023-01-04,Harbour Point,3.9,9.2,2.7,27
2023-01-05,Harbour Point,5.6,10.8,15.3,63
2023-01-06,Harbour Point,4.8,9.9,19.0,71
2023-01-07,Harbour Point,3.0,8.1,4.2,35`,

  `{
  "name": "weather-station",
  "version": "2.4.1",
  "location": { "lat": 51.48, "lon": -3.18, "elevation": 62 },
  "sensors": [
    { "id": "temp-1", "type": "temperature", "unit": "celsius", "interval": 60 },
    { "id": "rain-1", "type": "rainfall", "unit": "mm", "interval": 300 },
    { "id": "wind-1", "type": "wind", "unit": "km/h", "interval": 10 }
  ],
  "alerts": {
    "frost": { "below": 0, "notify": ["night-shift", "farm-office"] },
    "storm": { "gusts_above": 75, "notify": ["harbour-master"] }
  },
  "retention_days": 365,
  "upload": { "enabled": true, "hour": 3 }
}`,

  `Lab notebook, 9 May. Prepared three samples of the buffer at pH 6.8, 7.2 and 7.6, 50 ml each. Added 2 mg of the enzyme to each sample at 10:42 and measured absorbance every 5 minutes for an hour. Sample B (pH 7.2) reacted fastest, reaching half of its final value after 17 minutes; sample A took 26 minutes and sample C 31. The room was warmer than usual, 24 degrees instead of 21, which may explain why all three ran faster than in April. Repeat on Monday with the incubator at a fixed temperature. Also ordered more cuvettes (we have 12 left) and a new pipette, since the old one reads 3 percent high. Note to self: label the fridge shelves before Priya's students arrive.`,

  `I had trained for the marathon since January, but nothing prepared me for the weather on race day. It was 4 degrees at the start, with a cold wind off the sea and drizzle that turned to sleet by mile ten. The runners around me wore bin bags over their vests. I kept to my plan for the first half, nine-minute miles, and passed the halfway point in just under two hours. After mile eighteen my legs turned to wood. A woman in a penguin costume overtook me, then a man juggling three balls. The crowds on the last stretch were amazing, banging drums and shouting names. I crossed the line in 4 hours and 7 minutes, seventeen minutes slower than my goal, and I have never been happier.`,

  `Room 3: the age of steam. The engine in the centre of this room was built in 1838 for a cotton mill in the north and worked until 1902, driving four hundred looms through a system of shafts and belts. Its designer, William Foster, began as a blacksmith's apprentice and taught himself mathematics at night. The portrait on the left wall shows him in 1851, the year of the Great Exhibition in London, where his engines won a gold medal. The glass case by the window holds his notebooks, open at a drawing of a safety valve that he patented in 1846. Please do not touch the engine; its brass parts are polished every Friday by volunteers from the local history society.`,

  `School news for parents, Friday 15 March. Congratulations to Year 5, who won the county maths challenge on Tuesday, and to Hannah and Kofi, who came second in the regional spelling bee. The spring concert will be on Thursday 28 March at 6 pm; children should arrive by 5:30 in school uniform. Term ends on Friday 29 March, and school reopens on Monday 15 April. Please remember that the swimming lessons for Year 3 move from Wednesday to Friday mornings next term. The lost property box is full again: unclaimed coats and jumpers will go to the charity shop on 5 April. Thank you to everyone who baked for the cake sale, which raised 412 pounds for the new library.`,

  `Storm warning. The national weather service has issued an amber warning for wind and rain from 6 pm on Saturday until noon on Sunday. A deep area of low pressure will cross the country overnight, bringing gusts of 70 to 80 miles an hour on exposed coasts and hills, and up to 50 millimetres of rain on high ground. Flooding of roads and homes is possible, and falling trees may block railway lines. Ferries are likely to be cancelled. People are advised to secure garden furniture and bins, avoid travel on Saturday night if they can, and stay away from the sea front. Power cuts may affect some areas. The storm should clear to the east by Sunday afternoon, leaving colder, brighter weather with showers.`,

  `Today we are making a lemon tart. First the pastry: rub 200 grams of flour with 100 grams of cold butter until it looks like breadcrumbs, stir in a spoon of sugar and an egg yolk, and bring it together with a splash of cold water. Wrap it and chill it for half an hour. Now roll it thin, line the tin, and bake it blind for fifteen minutes. While it bakes, whisk four eggs with 150 grams of sugar, the zest and juice of three lemons and 150 millilitres of cream. "Do not whisk too hard," my grandmother used to say, "or the top will crack." Pour the filling into the warm case and bake at a low heat for thirty minutes, until it barely wobbles. Let it cool completely before serving.`,

  `Bug report #4821: the export button crashes the app when the table is empty.
Steps to reproduce: open a new project, go to Reports, click Export (CSV).
Expected: an empty file, or a message saying there is nothing to export.
Actual: the app freezes, then closes. The log shows:
TypeError: Cannot read properties of undefined (reading 'columns')
    at buildHeader (export.js:112:24)
    at exportTable (export.js:58:10)
Version 3.2.0 on Windows 11; also seen on 3.1.4. It does not happen when the table has at least one row.
Suggested fix: in buildHeader(), return [] when rows[0] is undefined, and test exportTable([]) as well.`,

  `Margaret Hale was born in a small town in Wales on 2 February 1921, the youngest of six children. Her father worked on the railway, and her mother took in sewing. She won a scholarship to study chemistry in 1939, but the war interrupted her degree, and she spent four years testing fuel for aircraft. In October 1946 she returned to finish her studies, and in 1952 she moved to Toronto to join a research group working on plastics. There she met her husband, an engineer named Ivan Petrov, and they had two sons. She published more than ninety papers and held eleven patents. Margaret retired in 1983 and went back to Wales, where she taught evening classes in science until her death in December 2009.`,

  `The coastal path from Porthlan to the lighthouse is 11 kilometres long and takes about four hours. Start at the car park by the church and follow the signs for the cliffs. After 2 kilometres you pass a stone circle on your left; the path then drops steeply to a sandy cove, a good place for a swim in summer. The next section, over the headland, is exposed and can be dangerous in strong wind or fog, so check the forecast before you set out. From the top you can see seals on the rocks below and, on clear days, the mountains across the bay. The last stretch follows an old tramway to the lighthouse, where a cafe opens from April to October. A bus returns to Porthlan every two hours.`,

  `Chess club report. Twelve members played in the winter tournament, which ran over five Monday evenings in January and February. Lars won all five of his games, including a long endgame against Ingrid that finished after midnight, and takes the trophy for the second year running. Ingrid came second with four points, and Wei and Marta shared third place on three and a half. The best game prize went to Leo, who sacrificed his queen on move 19 and forced checkmate seven moves later. Next term we will play a team match against the library club on 9 April, and the junior section starts on Thursdays after school. New members, young or old, are always welcome; we have boards, clocks and coffee.`,

  `Ship's log. 0600: left harbour under engine, wind light from the south-west, sea calm, visibility good. 0745: raised the mainsail and the jib, engine off, speed 5 knots. 0930: wind backing south and rising to force 5. Reefed the main. 1120: passed the north buoy, changed course to 040. Rain showers ahead. 1300: lunch of soup and bread in the cockpit while the rain blew through. Barometer falling slowly, 1004. 1530: wind force 6, gusting 7, seas building to two metres. Took in the jib and ran under reefed main. 1810: sighted the lighthouse on the point. 1945: anchored in the bay in 6 metres of water, sheltered from the wind. All crew tired but well.`,

  `Notice to library users. The library will be closed from Monday 8 July to Sunday 21 July while new shelves and lighting are installed. During this time, books can be returned through the letter box by the main door, and no fines will be charged for items due while the library is closed. The mobile library will visit the market square on Tuesdays and Fridays from 10 am to 3 pm. Our online catalogue and e-books remain available as usual. The summer reading challenge for children starts when we reopen on Monday 22 July; children aged 4 to 11 can sign up at the desk and collect stickers for every book they read. We apologise for the inconvenience, and we look forward to welcoming you back.`,

  `Birding notes, late April. At first light the reed beds were full of warblers, newly back from Africa and singing from every stem. A pair of swans had built a nest on the island, and the female was already sitting on her eggs. Three herons stood in the shallows like grey statues. Around nine a marsh harrier drifted over the field, and every duck on the lake rose at once. By the wood we heard a cuckoo, the first of the year, and found a wren's nest in the roots of a fallen oak. On the walk back, two hares boxed in the middle of the meadow, stopping only when a dog came along the lane. In all we counted 54 species, our best April total.`,

  `The modern Olympic Games began in Athens in 1896, with 241 athletes from 14 nations, all of them men. Women first competed four years later in Paris, in tennis, golf, sailing, croquet and riding. The Games were cancelled in 1916, 1940 and 1944 because of war. The first Winter Games took place in Chamonix in 1924, and television brought the Olympics into homes for the first time in 1936. Some records lasted for decades: a long jump of 8.90 metres set in Mexico City in 1968 was not beaten until 1991. The Tokyo Games, planned for 2020, were held in 2021 without spectators. Today more than 10,000 athletes from over 200 teams take part in the Summer Games.`,

  `-- monthly sales by region
SELECT region,
       date_trunc('month', ordered_at) AS month,
       count(*) AS orders,
       sum(total) AS revenue
FROM orders
WHERE ordered_at >= '2023-01-01'
  AND status IN ('paid', 'shipped')
GROUP BY region, month
ORDER BY region, month;

-- customers with no order since March
SELECT c.id, c.name, max(o.ordered_at) AS last_order
FROM customers c
LEFT JOIN orders o ON o.customer_id = c.id
GROUP BY c.id, c.name
HAVING max(o.ordered_at) < '2023-03-01' OR max(o.ordered_at) IS NULL;`,

  `The tennis season opens in January on the hard courts of the south, where the heat can reach 40 degrees and matches are sometimes stopped at midday. In spring the players move to clay, a slower surface that rewards patience: long rallies, heavy topspin and sliding defence. The clay season ends in Paris in early June, and only a few weeks later the tour switches to grass, the fastest surface, where a big serve can win a set on its own. After the grass comes the long summer on hard courts in North America, finishing in New York in September. The year closes in November with a tournament for the eight best players, and then a short rest before it all begins again.`,

  `Installing the tool takes two steps. First install the package:

    npm install --save-dev report-kit

Then add a script to package.json:

    "scripts": { "report": "report-kit build --out dist/report" }

Run it with npm run report. The report is written to dist/report/index.html; open it in any browser. Options can go in a file named report.config.json in the project root, for example { "title": "Weekly figures", "theme": "dark", "charts": ["bar", "line"] }. If the command fails with "cannot find module", check that your Node version is 18 or newer (node --version) and delete node_modules before installing again.`,

  `Tom and his sister grew up on a farm at the end of a long track, with three dogs, a flock of sheep, two old horses and more cats than anyone could count. Every morning before school they fed the hens and collected the eggs, and on Saturdays they helped their father move the cows between fields. The winters were hard. Snow closed the track for days at a time, and once, in February, the river froze so thick that the children skated on it to the next farm. In spring there were lambs in the kitchen, warming by the stove in cardboard boxes. Tom left for the city when he was eighteen, but every April he comes home for the lambing, and the dogs still know his car.`,

  `Why is the sky blue? Sunlight looks white, but it is a mix of all the colours of the rainbow, from red to violet. When sunlight enters the air, it meets countless molecules of gas, much smaller than the wavelength of the light. These molecules scatter short wavelengths, blue and violet, far more strongly than long ones such as red and orange. So blue light is thrown around the whole sky and reaches our eyes from every direction. Violet is scattered even more, but the sun gives out less of it, and our eyes are less sensitive to it, so the sky looks blue rather than purple. At sunset the light travels through much more air, the blue is scattered away, and the sun glows orange and red.`,

  `Council tax bills for the year from April will rise by 4.9 percent, adding about 96 pounds to the annual bill for an average home. The council says the increase is needed to pay for adult social care, which now takes almost 40 percent of its budget, and to fill a gap of 3.5 million pounds left by rising energy prices. Libraries and leisure centres will stay open, but their hours will be cut, and two public toilets will close. Residents on low incomes can apply for a discount of up to 100 percent. The leader of the opposition called the budget "a tax on families who are already struggling", while the finance chief said there was "no painless option". The budget passed by 31 votes to 24.`,

  `Saturday 12 August, morning. Breakfast on the terrace at eight: yoghurt, figs, honey and strong coffee. The heat was already heavy, and the cicadas had started. We drove to the old town before the crowds, parked by the cathedral and climbed the 228 steps of the bell tower. From the top we could see the red roofs, the river and, far to the east, the mountains where we walked last summer. Lunch was grilled fish and a tomato salad in a square shaded by plane trees. In the afternoon everyone slept. At six we swam in the sea, which was warm as a bath, and in the evening we ate ice cream on the harbour wall and watched the boats come in.`,

  `The committee considered three options for the new playground. Option A (the cheapest, at 38,000 pounds) replaces the swings and slide but keeps the old surface. Option B (52,000 pounds) adds a climbing frame, a sandpit and a soft surface throughout. Option C (71,000 pounds) includes everything in B plus a water play area, which would need a new drain and a summer attendant. After discussion, members agreed that Option B offers the best value (Option C's running costs were judged too high), subject to the grant from the lottery fund being confirmed in May. The clerk will write to the three firms that tendered, [names withheld], and ask for revised prices by 30 April.`,
];
