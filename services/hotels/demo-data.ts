/**
 * Demo hotels loaded on the first start of the embedded shape and by `npm run seed`.
 * Fixed ids make seeding idempotent.
 */
import type { NewHotel } from "./domain";

type Demo = NewHotel & { id: string };

const rt = (id: string, name: string, capacity: number, totalRooms: number, pricePerNight: number, amenities: string[] = []) =>
	({ id, name, capacity, totalRooms, pricePerNight, amenities, description: `${name} — ${capacity} guest${capacity > 1 ? "s" : ""}.` });

const photo = (slug: string, n: number) => Array.from({ length: n }, (_, i) => `/img/hotels/${slug}-${i + 1}.svg`);

const paris = { city: "Paris", country: "FR", timezone: "Europe/Paris", currency: "EUR" };
const lyon = { city: "Lyon", country: "FR", timezone: "Europe/Paris", currency: "EUR" };
const annecy = { city: "Annecy", country: "FR", timezone: "Europe/Paris", currency: "EUR" };
const nice = { city: "Nice", country: "FR", timezone: "Europe/Paris", currency: "EUR" };

function hotel(id: string, name: string, where: typeof paris, line1: string, postalCode: string, lat: number, lng: number, stars: number,
	amenities: string[], roomTypes: ReturnType<typeof rt>[], description: string): Demo {
	return {
		id, name, description,
		address: { line1, city: where.city, postalCode, country: where.country },
		location: { lat, lng }, stars, amenities, photos: photo(id, 2),
		email: `contact@${id.replace(/^demo-/, "")}.example`, timezone: where.timezone, currency: where.currency, roomTypes,
	};
}

export const DEMO_HOTELS: Demo[] = [
	hotel("demo-paris-louvre", "Hôtel du Louvre Lumière", paris, "12 rue de Rivoli", "75001", 48.8606, 2.3376, 5, ["wifi", "spa", "restaurant", "bar", "concierge"],
		[rt("classic-double", "Classic double", 2, 20, 32000, ["air-conditioning"]), rt("deluxe-king", "Deluxe king", 2, 10, 48000, ["balcony", "bathtub"]), rt("family-suite", "Family suite", 4, 4, 79000, ["kitchenette"])],
		"A palace steps from the Louvre, with a spa under the glass roof."),
	hotel("demo-paris-marais", "Le Petit Marais", paris, "8 rue des Rosiers", "75004", 48.8572, 2.3594, 3, ["wifi", "breakfast"],
		[rt("single", "Single", 1, 6, 11000), rt("double", "Double", 2, 12, 15500), rt("triple", "Triple", 3, 3, 19900)],
		"A quiet boutique hotel in the heart of the Marais."),
	hotel("demo-paris-montmartre", "Hôtel Sacré-Cœur Vue", paris, "3 rue Lamarck", "75018", 48.8867, 2.3431, 4, ["wifi", "bar", "breakfast", "pets"],
		[rt("standard-double", "Standard double", 2, 15, 17500), rt("view-double", "Double with a view", 2, 6, 23500, ["balcony"])],
		"Rooftop terrace looking over the whole of Paris."),
	hotel("demo-lyon-bellecour", "Grand Hôtel Bellecour", lyon, "20 place Bellecour", "69002", 45.7578, 4.8320, 4, ["wifi", "restaurant", "parking", "gym"],
		[rt("double", "Double", 2, 25, 14500), rt("twin", "Twin", 2, 10, 14500), rt("junior-suite", "Junior suite", 3, 5, 26000, ["bathtub"]), rt("suite", "Suite", 4, 2, 39000)],
		"Classic elegance on Europe's largest pedestrian square."),
	hotel("demo-lyon-vieux-lyon", "Auberge du Vieux Lyon", lyon, "5 rue Saint-Jean", "69005", 45.7622, 4.8271, 3, ["wifi", "breakfast"],
		[rt("double", "Double", 2, 8, 9800), rt("family", "Family room", 4, 3, 16500)],
		"Renaissance walls and traboules at the door."),
	hotel("demo-lyon-confluence", "Confluence Lodge", lyon, "60 quai Rambaud", "69002", 45.7435, 4.8175, 4, ["wifi", "gym", "parking", "bar", "accessible"],
		[rt("studio", "Studio", 2, 18, 12500, ["kitchenette"]), rt("loft", "Loft", 4, 6, 21000, ["kitchenette", "balcony"])],
		"Modern lofts on the Saône, by the museum of Confluences."),
	hotel("demo-annecy-lac", "Hôtel du Lac", annecy, "1 quai Napoléon III", "74000", 45.899, 6.129, 4, ["wifi", "spa", "restaurant", "parking"],
		[rt("std-double", "Standard double", 2, 12, 14500, ["balcony"]), rt("lake-view", "Lake view double", 2, 8, 21000, ["balcony"]), rt("family-suite", "Family suite", 5, 3, 34000)],
		"Facing the lake and the mountains, a short walk from the old town."),
	hotel("demo-annecy-vieille-ville", "Les Canaux", annecy, "7 rue Perrière", "74000", 45.8986, 6.1256, 3, ["wifi", "breakfast", "pets"],
		[rt("single", "Single", 1, 4, 8500), rt("double", "Double", 2, 10, 12000)],
		"A canal-side house in the old town."),
	hotel("demo-annecy-talloires", "Refuge de Talloires", annecy, "22 route du Port", "74290", 45.8404, 6.2135, 5, ["wifi", "spa", "restaurant", "pool", "parking"],
		[rt("garden-double", "Garden double", 2, 10, 29000), rt("lake-suite", "Lake suite", 3, 4, 52000, ["bathtub", "balcony"]), rt("chalet", "Chalet", 6, 2, 88000, ["kitchenette"])],
		"A lakeside retreat with a private beach."),
	hotel("demo-nice-promenade", "Hôtel Promenade Azur", nice, "45 promenade des Anglais", "06000", 43.6947, 7.2553, 4, ["wifi", "pool", "bar", "air-conditioning"],
		[rt("city-double", "City-side double", 2, 20, 16000), rt("sea-double", "Sea view double", 2, 14, 24500, ["balcony"]), rt("sea-suite", "Sea view suite", 4, 3, 42000, ["balcony", "bathtub"])],
		"On the Promenade, the Baie des Anges at your window."),
	hotel("demo-nice-vieux-nice", "Maison du Cours Saleya", nice, "11 cours Saleya", "06300", 43.6953, 7.2753, 3, ["wifi", "breakfast", "air-conditioning"],
		[rt("double", "Double", 2, 9, 11500), rt("triple", "Triple", 3, 4, 14900)],
		"Above the flower market in the old town."),
	hotel("demo-nice-cimiez", "Villa Cimiez", nice, "2 avenue Bellevue", "06100", 43.7196, 7.2751, 5, ["wifi", "spa", "pool", "restaurant", "parking", "concierge"],
		[rt("garden-room", "Garden room", 2, 12, 27500), rt("prestige", "Prestige room", 2, 6, 39500, ["balcony"]), rt("villa-suite", "Villa suite", 4, 2, 69000, ["balcony", "bathtub"])],
		"A Belle Époque villa among olive trees above the city."),
	hotel("demo-nice-port", "Le Port Lympia", nice, "4 quai des Deux Emmanuel", "06300", 43.6961, 7.2855, 2, ["wifi"],
		[rt("single", "Single", 1, 5, 6900), rt("double", "Double", 2, 10, 8900)],
		"Simple, clean rooms above the old harbour."),
];
